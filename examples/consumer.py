"""A desk's consumer of news.articles.tagged: one line per tagged article, with what a desk
triages on (time, severity, countries, event types, watchlist hits, title, link).

Needs only kafka-python and zstandard, for the zstd-compressed batches newswatch produces (the
records are plain JSON, described by newswatch/contracts/schemas/TaggedArticle.v1.json):

    pip install kafka-python zstandard
    python examples/consumer.py --bootstrap localhost:9092 --group my-desk

Delivery is at least once, so a record may come twice: it is skipped by its key and content.
Offsets are committed after the lines are printed.
"""

import argparse
import json

from kafka import KafkaConsumer


def line(article: dict) -> str:
    countries = ",".join(c["code"] for c in article["regions"]["countries"]) or "-"
    events = ",".join(sorted({e["type"] for e in article["event_types"]})) or "-"
    watch = ",".join(h["term"] for h in article["watchlist_hits"])
    when = (article.get("published_at") or "")[:16].replace("T", " ")
    return (f"{when:16}  sev {article['severity']:.2f}  {countries:8}  {events:24}  "
            f"{article['title']}  {article.get('url') or ''}" + (f"  [watch: {watch}]" if watch else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--topic", default="news.articles.tagged")
    parser.add_argument("--group", default="desk-example")
    parser.add_argument("--max", type=int, default=0, help="stop after this many articles")
    args = parser.parse_args()
    consumer = KafkaConsumer(args.topic, bootstrap_servers=args.bootstrap, group_id=args.group,
                             auto_offset_reset="earliest", enable_auto_commit=False)
    seen, printed = set(), 0
    try:
        while not args.max or printed < args.max:
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    article = json.loads(record.value)
                    if (record.key, article.get("content_hash"), article["tagger_version"]) in seen:
                        continue
                    seen.add((record.key, article.get("content_hash"), article["tagger_version"]))
                    print(line(article), flush=True)
                    printed += 1
            consumer.commit()
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
