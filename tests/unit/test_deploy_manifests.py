"""deploy/ against the code it deploys: every manifest parses, and the names the manifests rely
on (settings, CLI subcommands, topics, metrics, files, ports, the image's user) are the ones the
code and the other manifests really have. No Docker engine is needed; ``kubectl kustomize`` and
the ``deploy-lint`` extra (Kubernetes and compose-spec schemas) sharpen the checks where they
are installed."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from newswatch.settings import Settings
from newswatch.topics import FEEDS, FEEDS_STATE, Topics, topic_configs

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
CODE_PACKAGES = ("newswatch", "ingest", "processors", "sinks")

# The metrics the roles promise to expose and the dashboard must show. Every metric deploy/ uses
# (these and others) must be defined in the code: test_metrics_used_by_deploy_are_defined_in_code.
CONTRACT_METRICS = {
    "newswatch_articles_polled_total",
    "newswatch_articles_tagged_total",
    "newswatch_alerts_raised_total",
    "newswatch_records_processed_total",
    "newswatch_dlq_records_total",
    "newswatch_batch_seconds",
    "newswatch_feed_fetch_errors_total",
    "newswatch_feed_fetch_seconds",
    "newswatch_content_articles_total",
    "newswatch_content_event_types_total",
    "newswatch_content_actor_types_total",
    "newswatch_route_notifications_sent_total",
    "newswatch_route_notification_failures_total",
    "newswatch_alerts_silenced_total",
    "newswatch_alert_latency_seconds",
    "newswatch_consumer_lag",
}
# NEWSWATCH_* names that are not Settings fields on purpose: NEWSWATCH_CONFIG names the YAML
# file (read in settings_customise_sources); NEWSWATCH_IMAGE is a compose interpolation variable
# that never reaches a container.
NON_FIELD_NAMES = {"NEWSWATCH_CONFIG", "NEWSWATCH_IMAGE"}
ROLES = ("poll", "process", "alert")
WORKLOAD_KINDS = ("Deployment", "StatefulSet")


# ---- helpers -----------------------------------------------------------------------------------

def load_docs(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def deploy_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.is_file() and p.suffix in suffixes)


def compose() -> dict[str, Any]:
    return load_docs(DEPLOY / "compose.yaml")[0]


def k8s_objects() -> list[dict[str, Any]]:
    """The objects kustomization.yaml lists, in order."""
    kustomization = load_docs(K8S / "kustomization.yaml")[0]
    return [doc for name in kustomization["resources"] for doc in load_docs(K8S / name)]


def workloads() -> list[dict[str, Any]]:
    return [obj for obj in k8s_objects() if obj["kind"] in WORKLOAD_KINDS]


def workload(component: str) -> dict[str, Any]:
    (found,) = [w for w in workloads()
                if w["metadata"]["labels"]["app.kubernetes.io/component"] == component]
    return found


def k8s_config() -> dict[str, Any]:
    return load_docs(K8S / "config" / "newswatch.yaml")[0]


def settings_env_names() -> set[str]:
    """Every NEWSWATCH_* variable the settings class reads, nested fields joined with ``__``,
    plus the poller's own ``NEWSWATCH_INGEST__*`` knobs (ingest.config.PollerConfig)."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"NEWSWATCH_{name.upper()}")
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(f"NEWSWATCH_{name.upper()}__{sub.upper()}"
                         for sub in annotation.model_fields)
    try:
        from newswatch.ingest.config import PollerConfig
    except ImportError:
        return names
    prefix = PollerConfig.model_config.get("env_prefix", "").upper()
    if prefix.startswith("NEWSWATCH_"):
        names.update(prefix + field.upper() for field in PollerConfig.model_fields)
    return names


def resolve_interpolation(value: str) -> str:
    """Compose's ``${VAR:-default}`` with nothing set in the environment."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", value)


def settings_from(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Settings:
    """Settings built only from ``env`` (the test process's own NEWSWATCH_* variables removed)."""
    for name in list(os.environ):
        if name.upper().startswith("NEWSWATCH_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\bnewswatch_[a-z0-9_]+", expr))


def promql_exprs() -> list[tuple[str, str]]:
    """(where, expression) for every alert rule and every Grafana panel query."""
    found = []
    for group in load_docs(DEPLOY / "prometheus" / "alerts.yml")[0]["groups"]:
        for rule in group["rules"]:
            found.append((f"alerts.yml:{rule['alert']}", rule["expr"]))
    for path in sorted((DEPLOY / "grafana").rglob("*.json")):
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            for target in panel.get("targets", []):
                found.append((f"{path.name}:{panel['title']}", target["expr"]))
    return found


def for_promql(expr: str) -> str:
    """Grafana's range variables replaced by a literal duration, so the query parses."""
    return re.sub(r"\$__(rate_interval|range|interval)", "5m", expr)


def role_commands() -> list[tuple[str, list[str]]]:
    """(where, argv after ``newswatch``) for every role that compose and Kubernetes run."""
    commands = [(f"compose:{name}", service["command"])
                for name, service in compose()["services"].items()
                if service.get("image") == compose()["services"]["poll"]["image"]]
    for obj in workloads():
        for container in obj["spec"]["template"]["spec"]["containers"]:
            commands.append((f"k8s:{obj['metadata']['name']}", container["args"]))
    return commands


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(DEPLOY))


# ---- every file parses -------------------------------------------------------------------------

@pytest.mark.parametrize("path", deploy_files(".yaml", ".yml"), ids=relative)
def test_every_yaml_file_parses(path: Path) -> None:
    assert load_docs(path), f"{path} holds no YAML document"


@pytest.mark.parametrize("path", deploy_files(".json"), ids=relative)
def test_every_json_file_parses(path: Path) -> None:
    assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


# ---- settings names: the drift test ------------------------------------------------------------

def test_every_newswatch_variable_in_deploy_is_a_settings_field() -> None:
    known = settings_env_names() | NON_FIELD_NAMES
    used: dict[str, set[str]] = {}
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        for name in re.findall(r"\bNEWSWATCH_[A-Z0-9_]*[A-Z0-9]", path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(DEPLOY)))
    assert used, "deploy/ uses no NEWSWATCH_* variable at all"
    unknown = {name: sorted(files) for name, files in used.items() if name not in known}
    assert not unknown, f"not fields of newswatch.settings.Settings: {unknown}"


def test_k8s_settings_file_uses_only_settings_fields() -> None:
    # Settings ignores unknown keys, so a misspelt key would silently fall back to the default.
    unknown = set(k8s_config()) - set(Settings.model_fields)
    assert not unknown, f"deploy/k8s/config/newswatch.yaml: unknown settings {sorted(unknown)}"


def test_compose_role_environment_builds_the_intended_settings(monkeypatch) -> None:
    services = compose()["services"]
    env = {k: resolve_interpolation(str(v)) for k, v in services["process"]["environment"].items()}
    settings = settings_from(monkeypatch, env)
    kafka_env = services["kafka"]["environment"]
    internal = dict(item.split("://", 1)[::-1] for item in
                    kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    assert internal.get(settings.bootstrap_servers) == kafka_env["KAFKA_INTER_BROKER_LISTENER_NAME"]
    assert settings.metrics_host == "0.0.0.0"
    assert settings.topics.all() == Topics("news.").all()
    assert services["process"]["deploy"]["replicas"] <= settings.partitions
    for role in ROLES:
        assert services[role]["environment"] == services["process"]["environment"]


def test_k8s_settings_file_and_secret_example_build_the_intended_settings(monkeypatch) -> None:
    (secret,) = load_docs(K8S / "secret-example.yaml")
    env = {"NEWSWATCH_CONFIG": str(K8S / "config" / "newswatch.yaml"), **secret["stringData"]}
    settings = settings_from(monkeypatch, env)
    # The YAML file and the Secret's variables merge: neither hides the other.
    assert settings.bootstrap_servers == k8s_config()["bootstrap_servers"]
    assert settings.security.security_protocol == "SASL_SSL"
    assert settings.security.sasl_plain_password is not None
    assert settings.security.client_config()["sasl_plain_password"] == \
        secret["stringData"]["NEWSWATCH_SECURITY__SASL_PLAIN_PASSWORD"]
    assert settings.metrics_host == "0.0.0.0"


def test_secret_example_is_not_deployed_and_the_roles_may_run_without_it() -> None:
    kustomization = load_docs(K8S / "kustomization.yaml")[0]
    assert "secret-example.yaml" not in kustomization["resources"]
    (secret,) = load_docs(K8S / "secret-example.yaml")
    for obj in workloads():
        for container in obj["spec"]["template"]["spec"]["containers"]:
            refs = [e["secretRef"] for e in container.get("envFrom", []) if "secretRef" in e]
            assert refs == [{"name": secret["metadata"]["name"], "optional": True}], \
                obj["metadata"]["name"]


# ---- the image ----------------------------------------------------------------------------------

def test_dockerfile_is_multi_stage_non_root_python_311_slim() -> None:
    instructions = dockerfile_instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert len(froms) >= 2, "expected a build stage and a runtime stage"
    args = dict(rest.split("=", 1) for keyword, rest in instructions
                if keyword == "ARG" and "=" in rest)
    bases = {args.get(f.split()[0].strip("${}"), f.split()[0]) for f in froms}
    assert bases == {"python:3.11-slim"}
    (user,) = [rest for keyword, rest in instructions if keyword == "USER"]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "USER must be a numeric non-root uid (runAsNonRoot)"
    assert any(k == "HEALTHCHECK" for k, _ in instructions)
    assert any(k == "RUN" and re.search(r"pip install (--no-deps )?\.(\s|$)", rest)
               for k, rest in instructions), "the image installs the project with pip install ."


def test_dockerfile_entrypoint_is_the_projects_console_script() -> None:
    instructions = dockerfile_instructions()
    (entrypoint,) = [json.loads(rest) for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert entrypoint == ["newswatch"] and "newswatch" in scripts
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    assert "NEWSWATCH_METRICS_HOST=0.0.0.0" in env
    exposed = [rest for keyword, rest in instructions if keyword == "EXPOSE"]
    assert exposed == [str(Settings.model_fields["metrics_port"].default)]


def test_build_context_allow_list_covers_every_package_pip_installs() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert ignore[ignore.index("*") :].count("*") == 1, "the allow-list starts by excluding all"
    setup_py = (REPO / "setup.py").read_text(encoding="utf-8")
    folders = ast.literal_eval(setup_py.split("ROLE_FOLDERS = ", 1)[1].split("\n", 1)[0])
    for top in ("newswatch", *folders):
        assert f"!{top}/" in ignore, f"package {top} would be missing from the image"
    assert "!LICENSE" in ignore, "the licence file the wheel's metadata names"
    assert "!pyproject.toml" in ignore
    assert "!setup.py" in ignore, "the build hook that compiles the tagger"
    assert "**/*.so" in ignore, "modules compiled on the host must not reach the image"


def test_image_user_matches_the_kubernetes_security_context() -> None:
    (user,) = [rest for keyword, rest in dockerfile_instructions() if keyword == "USER"]
    uid, gid = (int(part) for part in user.split(":"))
    for obj in workloads():
        pod = obj["spec"]["template"]["spec"]["securityContext"]
        assert (pod["runAsUser"], pod["runAsGroup"]) == (uid, gid), obj["metadata"]["name"]


# ---- the CLI the manifests run -----------------------------------------------------------------

@pytest.mark.parametrize(("where", "argv"), role_commands(),
                         ids=[where for where, _ in role_commands()])
def test_role_commands_are_real_cli_subcommands(where: str, argv: list[str]) -> None:
    main = pytest.importorskip("newswatch.cli.main", reason="the CLI is not there yet")
    args = main.build_parser().parse_args(argv)
    assert args.command == argv[0] and argv[0] in ROLES, where


# ---- compose -------------------------------------------------------------------------------------

def test_compose_roles_use_the_image_built_from_deploy_dockerfile() -> None:
    services = compose()["services"]
    for role in ROLES:
        service = services[role]
        assert service["image"].startswith("${NEWSWATCH_IMAGE:-newswatch:")
        context = (DEPLOY / service["build"]["context"]).resolve()
        assert context == REPO
        assert (context / service["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
        assert service["depends_on"]["topic-init"]["condition"] == "service_completed_successfully"
        assert service["restart"] in ("unless-stopped", "always", "on-failure")
        assert service["stop_signal"] == "SIGTERM"


def test_compose_alert_store_is_on_a_named_volume_at_the_state_dir() -> None:
    data = compose()
    alert = data["services"]["alert"]
    state_dir = alert["environment"]["NEWSWATCH_STATE_DIR"]
    volumes = dict(v.split(":", 1) for v in alert["volumes"])
    (name,) = [source for source, target in volumes.items() if target == state_dir]
    assert name in data["volumes"]
    assert "deploy" not in data["services"]["alert"], "alert must stay a single instance"


@pytest.mark.parametrize("role", ROLES)
def test_compose_roles_find_their_feeds_and_rules_files(role: str) -> None:
    service = compose()["services"][role]
    mounts = {target.removesuffix(":ro"): source for source, target in
              (v.split(":", 1) for v in service["volumes"]) if source.startswith(".")}
    for variable in ("NEWSWATCH_FEEDS_FILE", "NEWSWATCH_RULES_FILE"):
        path = Path(service["environment"][variable])
        assert str(path.parent) in mounts, f"{role}: {variable} is not on a mounted directory"
        assert (DEPLOY / mounts[str(path.parent)] / path.name).is_file(), variable


def test_compose_kafka_runs_kraft_mode() -> None:
    kafka = compose()["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in env["KAFKA_LISTENERS"]
    assert "ZOOKEEPER" not in json.dumps(env).upper()


def test_compose_bind_mounts_exist() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{name} mounts missing {source}"


def expected_topics(prefix: str) -> dict[str, dict[str, str]]:
    """Topic -> the configs the code creates it with (newswatch.topics.topic_configs): the
    pipeline's topics and, where the poller is there, the topics its feed ownership uses
    (whose suffixes PollerConfig defines)."""
    topics = {name: topic_configs(Topics(prefix).suffix(name)) for name in Topics(prefix).all()}
    try:
        from newswatch.ingest.config import PollerConfig
    except ImportError:
        return topics
    fields = PollerConfig.model_fields
    topics[prefix + fields["feeds_topic_suffix"].default] = topic_configs(FEEDS)
    topics[prefix + fields["state_topic_suffix"].default] = topic_configs(FEEDS_STATE)
    return topics


def test_topic_init_creates_exactly_the_topics_the_code_uses(tmp_path) -> None:
    """Run topic-init's own script with kafka-topics.sh replaced by a recorder."""
    service = compose()["services"]["topic-init"]
    script = service["command"][0].replace("$$", "$")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    log = tmp_path / "calls"
    recorder = fake_bin / "kafka-topics.sh"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {shlex.quote(str(log))}\n')
    recorder.chmod(0o755)
    env = {k: resolve_interpolation(str(v)) for k, v in service["environment"].items()}
    env["NEWSWATCH_TOPIC_PREFIX"] = "ops.test."
    script = script.replace("/opt/kafka/bin/", f"{fake_bin}/")
    subprocess.run(["sh", "-c", script], env={"PATH": os.environ["PATH"], **env}, check=True,
                   timeout=30)
    created = {}
    for call in log.read_text().splitlines():
        argv = call.split()
        if "--create" in argv:
            created[argv[argv.index("--topic") + 1]] = argv
    expected = expected_topics("ops.test.")
    assert sorted(created) == sorted(expected)
    for topic, argv in created.items():
        assert argv[argv.index("--partitions") + 1] == env["NEWSWATCH_PARTITIONS"]
        assert "--if-not-exists" in argv
        policy = expected[topic]["cleanup.policy"]
        assert f"cleanup.policy={policy}" in argv, topic
        (retention,) = [a for a in argv if a.startswith("retention.ms=")]
        assert retention.split("=")[1] == expected[topic].get("retention.ms", "-1"), topic


# ---- Prometheus and Grafana -------------------------------------------------------------------

def test_prometheus_scrapes_every_compose_role_on_the_metrics_port() -> None:
    config = load_docs(DEPLOY / "prometheus" / "prometheus.yml")[0]
    port = int(compose()["services"]["poll"]["environment"]["NEWSWATCH_METRICS_PORT"])
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for role in ROLES:
        (sd,) = jobs[f"newswatch-{role}"]["dns_sd_configs"]
        assert sd["names"] == [role] and sd["port"] == port and sd["type"] == "A"
    mounts = [v.split(":")[1] for v in compose()["services"]["prometheus"]["volumes"]]
    for rule_file in config["rule_files"]:
        assert rule_file in mounts


def test_kubernetes_scrape_config_keeps_the_job_names_the_alerts_use() -> None:
    config = load_docs(DEPLOY / "prometheus" / "prometheus-kubernetes.yml")[0]
    relabels = config["scrape_configs"][0]["relabel_configs"]
    (job,) = [r for r in relabels if r.get("target_label") == "job"]
    assert job["replacement"] == "newswatch-$1"
    assert "app_kubernetes_io_component" in job["source_labels"][0]
    (port_rule,) = [r for r in relabels if "__meta_kubernetes_endpoint_port_name" in
                    r.get("source_labels", [])]
    for obj in k8s_objects():
        if obj["kind"] == "Service":
            assert re.fullmatch(port_rule["regex"], obj["spec"]["ports"][0]["name"])


def test_alert_rules_are_complete() -> None:
    groups = load_docs(DEPLOY / "prometheus" / "alerts.yml")[0]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len({rule["alert"] for rule in rules}) == len(rules)
    for rule in rules:
        assert rule["labels"]["severity"] in ("info", "warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    # The situations an operator must hear about.
    text = json.dumps(rules)
    for needed in ("up{", "newswatch_dlq_records_total", "newswatch_articles_polled_total[30m]",
                   "newswatch_feed_fetch_errors_total", "newswatch_batch_seconds_bucket"):
        assert needed in text, needed


def test_alert_rules_name_only_scraped_jobs() -> None:
    jobs = {job["job_name"] for job in
            load_docs(DEPLOY / "prometheus" / "prometheus.yml")[0]["scrape_configs"]}
    for where, expr in promql_exprs():
        for job in re.findall(r'job="([^"]+)"', expr):
            assert job in jobs, f"{where}: no scrape job {job}"
        for pattern in re.findall(r'job=~"([^"]+)"', expr):
            assert any(re.fullmatch(pattern, j) for j in jobs), f"{where}: {pattern}"


@pytest.mark.parametrize(("where", "expr"), promql_exprs(),
                         ids=[where for where, _ in promql_exprs()])
def test_promql_parses(where: str, expr: str) -> None:
    promql_parser = pytest.importorskip("promql_parser")
    promql_parser.parse(for_promql(expr))


def test_dashboard_shows_every_contract_metric() -> None:
    (path,) = (DEPLOY / "grafana" / "dashboards").glob("*.json")
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    used = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            used |= {re.sub(r"_(bucket|sum|count)$", "", n) for n in metric_names(target["expr"])}
    missing = CONTRACT_METRICS - used
    assert not missing, f"the dashboard does not show {sorted(missing)}"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) and dashboard["uid"]
    uids = {target["datasource"]["uid"] for panel in dashboard["panels"]
            for target in panel.get("targets", [])}
    variables = {f"${{{v['name']}}}" for v in dashboard["templating"]["list"]}
    assert uids <= variables


def test_grafana_provisioning_matches_the_compose_mounts() -> None:
    grafana = compose()["services"]["grafana"]
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in grafana["volumes"]
                  if v.startswith("."))
    (provider,) = load_docs(DEPLOY / "grafana" / "provisioning" / "dashboards" /
                            "newswatch.yaml")[0]["providers"]
    assert mounts["./grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (DEPLOY / "grafana" / "dashboards" / Path(home).name).is_file()
    assert home.startswith(provider["options"]["path"])
    (source,) = load_docs(DEPLOY / "grafana" / "provisioning" / "datasources" /
                          "prometheus.yaml")[0]["datasources"]
    assert source["type"] == "prometheus" and source["url"].startswith("http://prometheus:")


METRIC_TYPES = {"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"}
TARGET_LABELS = {"job", "instance", "namespace", "pod"}   # added by Prometheus, not the code


def code_metrics() -> dict[str, set[str] | None]:
    """Metrics the code defines (prometheus-client constructors with a literal name), with their
    label names (None when the labels are not literal)."""
    found: dict[str, set[str] | None] = {}
    for package in CODE_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args
                        and getattr(node.func, "id", getattr(node.func, "attr", None))
                        in METRIC_TYPES):
                    continue
                name = node.args[0]
                if not (isinstance(name, ast.Constant) and str(name.value).startswith(
                        "newswatch_")):
                    continue
                labels_node = node.args[2] if len(node.args) > 2 else next(
                    (kw.value for kw in node.keywords if kw.arg == "labelnames"), None)
                labels: set[str] | None = set()
                if labels_node is not None:
                    try:
                        labels = set(ast.literal_eval(labels_node))
                    except ValueError:
                        labels = None
                kind = getattr(node.func, "id", getattr(node.func, "attr", ""))
                base = str(name.value)
                if kind == "Counter":   # exposed as <name>_total only
                    found[base.removesuffix("_total") + "_total"] = labels
                    continue
                if kind in ("Histogram", "Summary"):
                    for suffix in ("_bucket", "_sum", "_count"):
                        found[base + suffix] = (None if labels is None else
                                                labels | ({"le"} if suffix == "_bucket" else set()))
                found[base] = labels
    return found


def test_metrics_used_by_deploy_are_defined_in_code() -> None:
    """A dashboard or alert on a metric that nothing exposes stays silently empty."""
    defined = code_metrics()
    used = {name for _, expr in promql_exprs() for name in metric_names(expr)} | CONTRACT_METRICS
    missing = sorted(used - set(defined))
    assert not missing, f"deploy/ relies on metrics no code defines: {missing}"


def test_queries_group_and_filter_by_labels_the_metrics_have() -> None:
    """``sum by (feed)`` over a metric without a feed label silently collapses to one series."""
    defined = code_metrics()
    for where, expr in promql_exprs():
        names = metric_names(expr)
        if not names or any(defined.get(name) is None for name in names):
            continue
        available = set().union(*(defined[name] for name in names)) | TARGET_LABELS
        used = set()
        for group in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", expr):
            used |= {label.strip() for label in group.split(",") if label.strip()}
        for matchers in re.findall(r"newswatch_[a-z0-9_]+\{([^}]*)\}", expr):
            used |= set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))
        unknown = used - available
        assert not unknown, f"{where}: labels {sorted(unknown)} not on {sorted(names)}"


# ---- Kubernetes -------------------------------------------------------------------------------

def test_kustomization_lists_files_that_exist() -> None:
    kustomization = load_docs(K8S / "kustomization.yaml")[0]
    listed = list(kustomization["resources"])
    for generator in kustomization.get("configMapGenerator", []):
        listed += [entry.split("=", 1)[-1] for entry in generator.get("files", [])]
    for name in listed:
        assert (K8S / name).is_file(), f"kustomization.yaml lists missing {name}"
    unlisted = {p.name for p in K8S.glob("*.yaml")} - set(listed) - {
        "kustomization.yaml", "secret-example.yaml"}
    assert not unlisted, f"manifests not in kustomization.yaml: {sorted(unlisted)}"


@pytest.mark.parametrize("component", ROLES)
def test_workload_is_hardened_and_probed(component: str) -> None:
    obj = workload(component)
    pod = obj["spec"]["template"]["spec"]
    port = k8s_config()["metrics_port"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["terminationGracePeriodSeconds"] >= 30, "SIGTERM must have time to drain"
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind]), kind
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["metrics"] == port
    for probe, path in (("livenessProbe", "/metrics"), ("readinessProbe", "/ready"),
                        ("startupProbe", "/metrics")):
        check = container[probe]["httpGet"]
        assert check["path"] == path and check["port"] in ("metrics", port), probe
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert str(k8s_config()["state_dir"]) in mounts, "the state dir must be writable"
    assert "/tmp" in mounts


@pytest.mark.parametrize("component", ROLES)
def test_workload_reads_the_generated_settings(component: str) -> None:
    obj = workload(component)
    pod = obj["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    config_path = Path(env["NEWSWATCH_CONFIG"])
    volumes = {v["name"]: v for v in pod["volumes"]}
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == str(config_path.parent)]
    generator_name = volumes[mount["name"]]["configMap"]["name"]
    (generator,) = [g for g in load_docs(K8S / "kustomization.yaml")[0]["configMapGenerator"]
                    if g["name"] == generator_name]
    keys = {Path(entry).name for entry in generator["files"]}
    assert config_path.name in keys
    for field in ("feeds_file", "rules_file"):
        path = Path(k8s_config()[field])
        assert path.parent == config_path.parent and path.name in keys, field


def test_alert_store_is_one_statefulset_replica_with_a_persistent_volume() -> None:
    obj = workload("alert")
    assert obj["kind"] == "StatefulSet" and obj["spec"]["replicas"] == 1
    (claim,) = obj["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    (container,) = obj["spec"]["template"]["spec"]["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == str(k8s_config()["state_dir"])
    services = {o["metadata"]["name"]: o for o in k8s_objects() if o["kind"] == "Service"}
    assert services[obj["spec"]["serviceName"]]["spec"]["clusterIP"] == "None"


def test_process_autoscaling_stays_within_the_partitions() -> None:
    objects = k8s_objects()
    process = workload("process")
    labels = process["spec"]["template"]["metadata"]["labels"]
    (hpa,) = [o for o in objects if o["kind"] == "HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": process["kind"],
                                             "name": process["metadata"]["name"]}
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert hpa["spec"]["maxReplicas"] <= k8s_config()["partitions"], \
        "replicas beyond the partition count would sit idle"
    assert "replicas" not in process["spec"], "the HPA owns the replica count"
    (pdb,) = [o for o in objects if o["kind"] == "PodDisruptionBudget"
              and o["spec"]["selector"]["matchLabels"].items() <= labels.items()]
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"], "drains must stay possible"


def test_pollers_fit_the_partitions_and_survive_a_drain() -> None:
    poll = workload("poll")
    labels = poll["spec"]["template"]["metadata"]["labels"]
    assert 2 <= poll["spec"]["replicas"] <= k8s_config()["partitions"]
    (pdb,) = [o for o in k8s_objects() if o["kind"] == "PodDisruptionBudget"
              and o["spec"]["selector"]["matchLabels"].items() <= labels.items()]
    assert pdb["spec"]["minAvailable"] < poll["spec"]["replicas"], "drains must stay possible"


@pytest.mark.parametrize("component", ROLES)
def test_every_role_has_an_annotated_metrics_service(component: str) -> None:
    obj = workload(component)
    labels = obj["spec"]["template"]["metadata"]["labels"]
    services = [o for o in k8s_objects() if o["kind"] == "Service"
                and o["spec"]["selector"].items() <= labels.items()]
    (service,) = services
    annotations = service["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(k8s_config()["metrics_port"])
    assert annotations["prometheus.io/path"] == "/metrics"
    assert service["metadata"]["labels"]["app.kubernetes.io/component"] == component
    assert service["spec"]["ports"][0]["targetPort"] == "metrics"


def test_k8s_feeds_and_rules_files_load_with_the_projects_loaders() -> None:
    registry = pytest.importorskip("newswatch.ingest.registry", reason="the feed registry is not there yet")
    rules = pytest.importorskip("newswatch.sinks.alerts.rules", reason="the rules loader is not there yet")
    loaded = registry.load_feeds(K8S / "config" / "feeds.yaml")
    assert loaded.feeds and not loaded.errors, [str(e) for e in loaded.errors]
    assert rules.load_rules(K8S / "config" / "rules.yaml").enabled


def test_kustomize_renders_the_base() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; the structural tests above still ran")
    rendered = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True,
                              timeout=60, check=True).stdout
    objects = [o for o in yaml.safe_load_all(rendered) if o]
    (config_map,) = [o for o in objects if o["kind"] == "ConfigMap"]
    assert config_map["metadata"]["name"].startswith("newswatch-config-"), "hash suffix"
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "newswatch", obj["metadata"]["name"]
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "newswatch"
        if obj["kind"] in WORKLOAD_KINDS:
            volumes = obj["spec"]["template"]["spec"]["volumes"]
            names = {v["configMap"]["name"] for v in volumes if "configMap" in v}
            assert names == {config_map["metadata"]["name"]}


def test_k8s_manifests_match_the_kubernetes_schemas() -> None:
    validate = pytest.importorskip("kubernetes_validate",
                                   reason="optional: pip install '.[deploy-lint]'")
    documents = k8s_objects() + load_docs(K8S / "secret-example.yaml")
    for obj in documents:
        validate.validate(obj, validate.latest_version(), strict=True)


def test_compose_file_matches_the_compose_specification() -> None:
    pytest.importorskip("check_jsonschema", reason="optional: pip install '.[deploy-lint]'")
    import importlib.resources

    import jsonschema

    vendored = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendored / "compose-spec.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(compose())]
    assert not errors, errors


def test_readiness_probes_ask_whether_the_role_is_ready() -> None:
    """/ready answers 200 only once the role joined its group and reaches the broker
    (newswatch.readiness); liveness stays on /metrics, which answers while the process lives."""
    from newswatch.metrics import metrics_app
    from newswatch.readiness import Readiness

    for obj in workloads():
        for container in obj["spec"]["template"]["spec"]["containers"]:
            assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
            assert container["livenessProbe"]["httpGet"]["path"] == "/metrics"
            assert container["readinessProbe"]["httpGet"]["port"] == "metrics"
    readiness = Readiness()
    statuses = []
    environ = {"PATH_INFO": "/ready", "REQUEST_METHOD": "GET"}
    metrics_app(readiness)(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["503 Service Unavailable"]


# ---- operator integrations (deploy/k8s-operators) ----------------------------------------------

OPERATORS = DEPLOY / "k8s-operators"


def operator_object(kind: str) -> dict[str, Any]:
    (found,) = [doc for path in sorted(OPERATORS.rglob("*.yaml")) if path.name != "kustomization.yaml"
                for doc in load_docs(path) if doc["kind"] == kind]
    return found


def test_prometheus_rule_holds_exactly_the_alert_rules() -> None:
    rule = operator_object("PrometheusRule")
    groups = load_docs(DEPLOY / "prometheus" / "alerts.yml")[0]["groups"]
    assert rule["spec"]["groups"] == groups, (
        "k8s-operators/prometheus-operator/prometheusrule.yaml differs from "
        "prometheus/alerts.yml: copy alerts.yml's groups into its spec")


def test_service_monitor_scrapes_every_role_under_the_alerts_job_names() -> None:
    monitor = operator_object("ServiceMonitor")
    selector = monitor["spec"]["selector"]["matchLabels"]
    services = [o for o in k8s_objects() if o["kind"] == "Service"]
    assert {s["metadata"]["labels"]["app.kubernetes.io/component"] for s in services} == set(ROLES)
    (endpoint,) = monitor["spec"]["endpoints"]
    for service in services:
        assert selector.items() <= service["metadata"]["labels"].items()
        assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    (job,) = [r for r in endpoint["relabelings"] if r["targetLabel"] == "job"]
    assert job["replacement"] == "newswatch-$1"
    assert job["sourceLabels"] == ["__meta_kubernetes_service_label_app_kubernetes_io_component"]
    assert endpoint["path"] == "/metrics"


def test_strimzi_topics_are_the_topics_the_code_creates_on_a_3_broker_cluster() -> None:
    from newswatch.kafka.topic_setup import plan_topics

    config = k8s_config()
    topics = {doc["spec"]["topicName"]: doc for doc in
              load_docs(OPERATORS / "strimzi" / "topics.yaml")}
    expected = expected_topics(config["topic_prefix"])
    assert sorted(topics) == sorted(expected)
    settings = Settings(bootstrap_servers="x:9092", topic_prefix=config["topic_prefix"])
    suffixes = {name: name.removeprefix(config["topic_prefix"]) for name in expected}
    planned = {spec.name: spec for spec in
               plan_topics(settings, dict.fromkeys(expected, config["partitions"]), 3,
                           suffixes).topics}
    for name, doc in topics.items():
        assert doc["kind"] == "KafkaTopic" and doc["metadata"]["labels"]["strimzi.io/cluster"]
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"])
        spec = planned[name]
        assert doc["spec"]["partitions"] == spec.partitions, name
        assert doc["spec"]["replicas"] == spec.replication_factor == 3, name
        assert doc["spec"]["config"] == spec.configs, name


def test_keda_scales_process_on_the_lag_of_its_group() -> None:
    scaled = operator_object("ScaledObject")
    auth = operator_object("TriggerAuthentication")
    config = k8s_config()
    settings = Settings(bootstrap_servers="x:9092", topic_prefix=config["topic_prefix"])
    process = workload("process")
    (hpa,) = [o for o in k8s_objects() if o["kind"] == "HorizontalPodAutoscaler"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == process["metadata"]["name"]
    assert scaled["spec"]["minReplicaCount"] == hpa["spec"]["minReplicas"]
    assert scaled["spec"]["maxReplicaCount"] <= config["partitions"]
    (trigger,) = scaled["spec"]["triggers"]
    meta = trigger["metadata"]
    assert trigger["type"] == "kafka"
    assert meta["bootstrapServers"] == config["bootstrap_servers"]
    assert meta["consumerGroup"] == settings.groups.process
    assert meta["topic"] == settings.topics.raw
    assert int(meta["lagThreshold"]) > 0
    assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
    (secret,) = load_docs(K8S / "secret-example.yaml")
    for ref in auth["spec"]["secretTargetRef"]:
        assert ref["name"] == secret["metadata"]["name"]
        assert ref["key"] in secret["stringData"], ref


def test_operators_overlay_renders_with_keda_replacing_the_cpu_autoscaler() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; the structural tests above still ran")
    rendered = subprocess.run([kubectl, "kustomize", str(OPERATORS)], capture_output=True,
                              text=True, timeout=60, check=True).stdout
    kinds = [o["kind"] for o in yaml.safe_load_all(rendered) if o]
    assert "HorizontalPodAutoscaler" not in kinds
    for kind in ("ScaledObject", "TriggerAuthentication", "ServiceMonitor", "PrometheusRule",
                 "Deployment", "StatefulSet"):
        assert kind in kinds, kind
    for obj in (o for o in yaml.safe_load_all(rendered) if o and o["kind"] != "Namespace"):
        assert obj["metadata"]["namespace"] == "newswatch", obj["metadata"]["name"]
    topics = subprocess.run([kubectl, "kustomize", str(OPERATORS / "strimzi")],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    assert {o["metadata"]["namespace"] for o in yaml.safe_load_all(topics) if o} == {"kafka"}
