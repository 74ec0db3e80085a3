"""The operations console: alerts, their stories and evidence, feeds and a map, in a browser.

It lives under ``sinks`` because it is where the pipeline's output reaches people, beside the
alert sink whose store it reads and acts on (``sinks.alerts.store``, ``sinks.alerts.actions``);
feed health comes from the poller's state (``ingest.health``). A Starlette app served by
uvicorn (``newswatch console``, and ``newswatch up``); the front end is plain HTML, CSS and
JavaScript shipped in ``static/`` with no build step and nothing loaded from elsewhere.

Modules: ``app`` (routes, access checks, security headers), ``api`` (the JSON API and
actions), ``signin`` (sign-in, session), ``auth`` (who may read and act; CSRF),
``evidence`` (article text with evidence spans marked, escaped), ``views`` (the JSON the
pages read), ``live`` (the store poller behind the live updates), ``server`` (uvicorn).
"""
