"""``alerts_from_copies``: 1,000 articles that are 40 reworded copies of 25 stories.

Deterministic (seeded). Each story is one invented event in a real place: its copies come from
40 different outlets, with a headline rewritten from that kind of event's templates, a lead of
the event's sentences in shuffled order, and times spread over the first hours; one copy in
five is an update hours later (a rising toll, a reaction). Some stories are deliberately alike:
two bombings in Khyber Pakhtunkhwa two days apart claimed by the same group, two kidnappings in
north-west Nigeria, two fuel protests in Kenya a day apart, two Borno attacks. A story stage
should make 25 stories of them; the alert role, 25 alerts per rule that matches them all.

The templates, names and events were written for this benchmark by the newswatch developers;
the people are invented, the places are real (so the tagger finds them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from newswatch.contracts import RawArticle

COPIES_PER_STORY = 40
SEED = 16

OUTLETS = (
    "Daily Ledger", "Morning Courier", "Evening Standard Online", "The Frontier Post",
    "Coastal Tribune", "Capital Wire", "Northern Gazette", "Global Dispatch", "Metro Herald",
    "The Observer Desk", "Sunrise Times", "Continental News", "Harbour Chronicle",
    "Valley Record", "The Daily Monitor", "World Bulletin", "Plains Journal",
    "Riverside Press", "Union Telegraph", "The National Echo", "Pacific Review",
    "Atlas Newswire", "Crescent Daily", "Meridian Post", "Summit Times", "Delta Express",
    "Highland Voice", "Lakeside Mirror", "Citizen Report", "The Independent Eye",
    "Equator Weekly", "Southern Cross News", "Horizon Today", "Granite State Wire",
    "The Caravan Sheet", "Eastern Sentinel", "Open Road Media", "Bridge City News",
    "Meridian Radio", "Frontline Online",
)

# per kind: headlines, update headlines, lead sentences (the lede is the first two after
# shuffling), and closing sentences every copy may carry
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "bombing": {
        "titles": (
            "Suicide bomber kills {n} at {venue} in {place}",
            "{n} dead in {place} {venue} suicide blast",
            "Blast at {venue} in {place} leaves {n} dead",
            "{place} bombing: at least {n} killed at {venue}",
            "{actor} claims {place} {venue} bombing that killed {n}",
            "Explosion rips through {venue} in {place}, killing {n}",
            "At least {n} killed as bomb hits {venue} in {province}'s {place}",
            "{country}: {n} people killed in {place} bomb attack",
            "Deadly blast hits {place} {venue}",
        ),
        "updates": (
            "Death toll in {place} {venue} bombing rises to {n2}",
            "{person} vows to hunt down {place} bombers as toll reaches {n2}",
            "{place} mourns {n2} killed in {venue} blast",
        ),
        "leads": (
            ("A suicide bomber killed at least {n} people at a {venue} in {place} on {weekday}, "
            "police said."),
            "The explosion tore through the {venue} in {place}, in {country}'s {province}.",
            "{actor} said it carried out the {place} attack.",
            "{person}, the police chief in {place}, said {wounded} people were wounded.",
            "Rescue workers took the wounded from the {venue} to hospitals across {place}.",
        ),
    },
    "kidnapping": {
        "titles": (
            "Gunmen abduct {n} {victims} in {place}",
            "{n} {victims} kidnapped in {country}'s {province}",
            "Armed men seize {n} {victims} from {venue} in {place}",
            "{place}: {n} {victims} taken by gunmen",
            "Mass abduction in {place} as {n} {victims} seized",
            "{country} police hunt for {n} {victims} abducted in {place}",
        ),
        "updates": (
            "{n2} of the {place} {victims} freed, police say",
            "{person} says talks under way to free {place} {victims}",
        ),
        "leads": (
            ("Gunmen on motorbikes abducted {n} {victims} from a {venue} in {place} early on "
            "{weekday}."),
            "The attack in {place}, {province}, is the latest in a wave of mass kidnappings.",
            ("{person}, a police spokesman in {province}, said security forces were tracking "
            "the kidnappers."),
            "Residents of {place} said the gunmen arrived before dawn.",
        ),
    },
    "protest": {
        "titles": (
            "Thousands protest in {place} over {issue}",
            "{place} protesters clash with police over {issue}",
            "Police fire tear gas at {issue} protest in {place}",
            "{country}: anger over {issue} brings crowds to {place} streets",
            "{issue} protest turns violent in {place}",
            "Demonstrators march through {place} against {issue}",
        ),
        "updates": (
            "{n} arrested after {place} {issue} protest",
            "{person} calls for calm after {place} protest over {issue}",
        ),
        "leads": (
            ("Thousands of people marched through {place} on {weekday} to protest against "
            "{issue}."),
            "Police in {place} fired tear gas and arrested {n} demonstrators.",
            "The protest was organised by {actor}, whose leader {person} addressed the crowd.",
            "Shops in central {place} stayed closed as the march passed.",
        ),
    },
    "earthquake": {
        "titles": (
            "Magnitude {mag} earthquake strikes near {place}",
            "{mag} quake hits {country}'s {province}, {n} dead",
            "Earthquake near {place} kills {n}",
            "Strong earthquake shakes {place}; {n} killed",
            "{place} quake: rescuers search rubble as toll hits {n}",
            "At least {n} dead after {mag}-magnitude tremor in {province}",
        ),
        "updates": (
            "{place} earthquake death toll climbs to {n2}",
            "Aid arrives in {place} as quake toll reaches {n2}",
        ),
        "leads": (
            ("An earthquake of magnitude {mag} struck near {place} on {weekday}, killing at "
            "least {n} people."),
            "The quake's epicentre was {km} kilometres from {place} in {province}.",
            ("{person}, who heads the disaster agency, said rescue teams were digging through "
            "collapsed homes."),
            "Aftershocks were felt across {province} for hours.",
        ),
    },
    "election": {
        "titles": (
            "{person} wins {country} presidential election",
            "{country} election: {person} declared winner with {pct}% of vote",
            "{person} claims victory in {country} presidential vote",
            "Electoral commission names {person} {country}'s next president",
            "{person} elected president of {country} in first round",
            "Opposition rejects {person}'s win in {country} election",
        ),
        "updates": (
            "{person2} concedes defeat to {person} in {country} election",
            "{person} to be sworn in as {country} president after {pct}% win",
        ),
        "leads": (
            ("{person} won {country}'s presidential election with {pct}% of the vote, the "
            "electoral commission said in {place} on {weekday}."),
            "His rival {person2} took {pct2}% of the vote.",
            "Turnout was {turnout}%, the commission said.",
            "Supporters of {person} celebrated in the streets of {place}.",
        ),
    },
    "fire": {
        "titles": (
            "Fire at {venue} in {place} kills {n}",
            "{n} dead as blaze engulfs {place} {venue}",
            "{place} {venue} fire: {n} killed",
            "Firefighters battle blaze at {venue} in {place}; {n} dead",
            "{country}: {n} workers die in {place} {venue} fire",
            "Deadly fire guts {venue} in {place}",
        ),
        "updates": (
            "Owner of {place} {venue} arrested after fire that killed {n2}",
            "{place} fire toll rises to {n2}",
        ),
        "leads": (
            ("A fire swept through a {venue} in {place} on {weekday}, killing at least {n} "
            "people."),
            "{person}, the fire service chief, said the blaze started on the ground floor.",
            "Firefighters needed {hours} hours to bring the fire in {place} under control.",
            "The {venue} stands on the outskirts of {place} in {province}.",
        ),
    },
    "talks": {
        "titles": (
            "{person} and {person2} meet in {place} for talks on {issue}",
            "{place} talks: {person} and {person2} discuss {issue}",
            "{person} holds talks with {person2} in {place}",
            "{issue} on agenda as {person} meets {person2} in {place}",
            "{person}, {person2} agree to keep talking on {issue} after {place} meeting",
        ),
        "updates": (
            "{person} says {place} talks with {person2} were constructive",
            "No breakthrough on {issue} after {place} talks, {person2} says",
        ),
        "leads": (
            "{person} and {person2} met in {place} on {weekday} for talks on {issue}.",
            "The two sides agreed to meet again within {n} weeks.",
            "{actor} hosted the meeting in {place}.",
            "It was the first meeting between {person} and {person2} since the dispute began.",
        ),
    },
    "accident": {
        "titles": (
            "Bus plunges into ravine near {place}, killing {n}",
            "{n} killed in bus crash near {place}",
            "{place} bus accident leaves {n} dead",
            "{country}: bus falls off road near {place}, {n} dead",
            "At least {n} passengers die as bus overturns near {place}",
        ),
        "updates": (
            "Driver of {place} bus that killed {n2} was speeding, police say",
            "{place} bus crash toll rises to {n2}",
        ),
        "leads": (
            ("A bus carrying {passengers} passengers fell into a ravine near {place} on "
            "{weekday}, killing at least {n}."),
            ("{person}, a police commander in {province}, said the driver lost control on a "
            "bend."),
            "The bus was travelling from {place} to {venue}.",
            "Survivors were taken to hospital in {place}.",
        ),
    },
    "verdict": {
        "titles": (
            "{place} court jails {person} for {n} years",
            "{person} sentenced to {n} years in {country} corruption case",
            "{country}: former minister {person} gets {n}-year term",
            "Court in {place} convicts {person} of graft, sentence {n} years",
            "{person} found guilty of corruption in {place}",
        ),
        "updates": (
            "{person} to appeal {n}-year sentence, lawyer {person2} says",
            "Supporters of {person} rally outside {place} court after verdict",
        ),
        "leads": (
            ("A court in {place} sentenced former minister {person} to {n} years in prison on "
            "{weekday} for corruption."),
            "{person} was found guilty of taking bribes worth {money} million dollars.",
            "His lawyer {person2} said he would appeal.",
            "The case was brought by {actor}.",
        ),
    },
    "flood": {
        "titles": (
            "Floods kill {n} in {country}'s {province}",
            "{n} dead as floods hit {place}",
            "Heavy rain floods {place}; {n} killed",
            "{province} floods: {n} dead, thousands displaced around {place}",
            "Flash floods sweep {place}, leaving {n} dead",
        ),
        "updates": (
            "{province} flood toll rises to {n2}",
            "{person} visits flood-hit {place} as toll reaches {n2}",
        ),
        "leads": (
            ("Floods triggered by heavy rain killed at least {n} people in and around {place} "
            "on {weekday}."),
            "{displaced} people were moved to relief camps in {province}.",
            "{person}, the state disaster official, said rivers were still rising.",
            "Roads to {place} were cut off.",
        ),
    },
}

CLOSINGS = (
    "More details are expected later.",
    "This is a developing story.",
    "Reporting by staff correspondents.",
    "Officials did not respond to a request for comment.",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# the 25 events: kind, day offset (days after the first), and the slots
STORIES: tuple[tuple[str, float, dict[str, object]], ...] = (
    ("bombing", 0.0, {
        "place": "Peshawar", "province": "Khyber Pakhtunkhwa", "country": "Pakistan",
        "venue": "vegetable market", "n": 23, "actor": "Tehreek-i-Taliban Pakistan",
        "person": "Qasim Durrani", "wounded": 48,
    }),
    ("bombing", 2.0, {
        "place": "Bannu", "province": "Khyber Pakhtunkhwa", "country": "Pakistan",
        "venue": "police station", "n": 9, "actor": "Tehreek-i-Taliban Pakistan",
        "person": "Farhan Wazir", "wounded": 14,
    }),
    ("bombing", 1.0, {
        "place": "Quetta", "province": "Balochistan", "country": "Pakistan",
        "venue": "railway station", "n": 31, "actor": "Balochistan Liberation Army",
        "person": "Saeed Mengal", "wounded": 60,
    }),
    ("bombing", 0.5, {
        "place": "Mogadishu", "province": "Banadir region", "country": "Somalia",
        "venue": "beachfront hotel", "n": 15, "actor": "al-Shabaab", "person": "Abdi Warsame",
        "wounded": 22,
    }),
    ("bombing", 3.0, {
        "place": "Maiduguri", "province": "Borno", "country": "Nigeria", "venue": "mosque",
        "n": 19, "actor": "Boko Haram", "person": "Musa Kolo", "wounded": 30,
    }),
    ("bombing", 4.5, {
        "place": "Konduga", "province": "Borno", "country": "Nigeria", "venue": "fish market",
        "n": 12, "actor": "Boko Haram", "person": "Bulama Gana", "wounded": 25,
    }),
    ("kidnapping", 1.5, {
        "place": "Kaduna", "province": "Kaduna State", "country": "Nigeria",
        "venue": "boarding school", "n": 80, "victims": "students", "person": "Yusuf Aliyu",
    }),
    ("kidnapping", 3.5, {
        "place": "Gusau", "province": "Zamfara", "country": "Nigeria",
        "venue": "village mosque", "n": 35, "victims": "worshippers", "person": "Sani Danjuma",
    }),
    ("protest", 2.0, {
        "place": "Nairobi", "province": "Nairobi County", "country": "Kenya",
        "issue": "fuel prices", "n": 40, "actor": "the Matatu Owners Association",
        "person": "Wanjiru Kamau",
    }),
    ("protest", 3.0, {
        "place": "Mombasa", "province": "Mombasa County", "country": "Kenya",
        "issue": "fuel prices", "n": 12, "actor": "the Coast Traders Union",
        "person": "Hassan Omar Juma",
    }),
    ("protest", 5.0, {
        "place": "Santiago", "province": "Santiago Metropolitan", "country": "Chile",
        "issue": "pension reform", "n": 60, "actor": "the Confederation of Workers",
        "person": "Camila Rojas Vidal",
    }),
    ("protest", 6.0, {
        "place": "Paris", "province": "Ile-de-France", "country": "France",
        "issue": "the retirement age", "n": 110, "actor": "the CGT union",
        "person": "Sophie Marchand",
    }),
    ("earthquake", 2.5, {
        "place": "Herat", "province": "Herat province", "country": "Afghanistan", "mag": "6.3",
        "n": 120, "km": 35, "person": "Ahmad Noori",
    }),
    ("earthquake", 7.0, {
        "place": "Padang", "province": "West Sumatra", "country": "Indonesia", "mag": "6.8",
        "n": 41, "km": 60, "person": "Dwi Hartono",
    }),
    ("election", 4.0, {
        "place": "Accra", "province": "Greater Accra", "country": "Ghana",
        "person": "Kwabena Asante", "person2": "Esi Mensah", "pct": 54, "pct2": 43,
        "turnout": 71,
    }),
    ("election", 8.0, {
        "place": "Colombo", "province": "Western Province", "country": "Sri Lanka",
        "person": "Ruwan Jayasinghe", "person2": "Dilani Perera", "pct": 51, "pct2": 39,
        "turnout": 76,
    }),
    ("fire", 1.0, {
        "place": "Gazipur", "province": "Dhaka Division", "country": "Bangladesh",
        "venue": "garment factory", "n": 27, "person": "Mahbub Rahman", "hours": 6,
    }),
    ("fire", 6.5, {
        "place": "Lagos", "province": "Lagos State", "country": "Nigeria", "venue": "market",
        "n": 8, "person": "Adeyemi Bakare", "hours": 9,
    }),
    ("talks", 3.0, {
        "place": "Doha", "province": "Doha", "country": "Qatar", "person": "Elena Voss",
        "person2": "Tariq Haddad", "issue": "a ceasefire", "n": 2,
        "actor": "Qatar's foreign ministry",
    }),
    ("talks", 9.0, {
        "place": "Geneva", "province": "Geneva canton", "country": "Switzerland",
        "person": "Martin Kovac", "person2": "Leyla Aliyeva", "issue": "water rights", "n": 3,
        "actor": "the United Nations",
    }),
    ("accident", 5.5, {
        "place": "Cusco", "province": "Cusco region", "country": "Peru", "venue": "Puno",
        "n": 22, "passengers": 45, "person": "Luis Quispe",
    }),
    ("accident", 8.5, {
        "place": "Shimla", "province": "Himachal Pradesh", "country": "India",
        "venue": "Manali", "n": 14, "passengers": 38, "person": "Rajesh Thakur",
    }),
    ("verdict", 4.0, {
        "place": "Manila", "province": "Metro Manila", "country": "Philippines",
        "person": "Ramon Delacruz", "person2": "Teresa Villanueva", "n": 12, "money": 40,
        "actor": "the Ombudsman",
    }),
    ("flood", 2.0, {
        "place": "Guwahati", "province": "Assam", "country": "India", "n": 18,
        "displaced": "120,000", "person": "Pranab Bora",
    }),
    ("flood", 7.5, {
        "place": "Larkana", "province": "Sindh", "country": "Pakistan", "n": 26,
        "displaced": "85,000", "person": "Ghulam Shah",
    }),
)


@dataclass
class Copies:
    articles: list[RawArticle] = field(default_factory=list)
    story_of: dict[str, int] = field(default_factory=dict)

    @property
    def story_count(self) -> int:
        return len(set(self.story_of.values()))


def _slots(base: dict[str, object], start: datetime) -> dict[str, object]:
    slots = {k: str(v) for k, v in base.items()}
    n = int(base.get("n", 10))  # type: ignore[call-overload]
    slots.setdefault("n2", str(n + max(3, n // 3)))
    slots["weekday"] = WEEKDAYS[start.weekday()]
    return slots


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def copies(seed: int = SEED, start: datetime = datetime(2026, 3, 2, 6, tzinfo=UTC)) -> Copies:
    """The 1,000 articles (25 stories x 40 copies), in story order; ids ``copy-SS-CC``."""
    rng = random.Random(seed)
    out = Copies()
    for s, (kind, day, base) in enumerate(STORIES):
        templates = TEMPLATES[kind]
        began = start + timedelta(days=day)
        slots = _slots(base, began)
        outlets = list(OUTLETS)
        rng.shuffle(outlets)
        for c in range(COPIES_PER_STORY):
            update = c >= 4 and rng.random() < 0.2
            if update:
                at = began + timedelta(hours=rng.uniform(4, 30))
                title = rng.choice(templates["updates"])
            else:
                at = began + timedelta(minutes=rng.uniform(0, 180))
                title = rng.choice(templates["titles"])
            leads = list(templates["leads"])
            rng.shuffle(leads)
            body = leads[: rng.randint(2, len(leads))] + [rng.choice(CLOSINGS)]
            article_id = f"copy-{s:02d}-{c:02d}"
            out.articles.append(RawArticle(
                id=article_id, title=_capitalised(title.format(**slots)),
                text=" ".join(_capitalised(b.format(**slots)) for b in body),
                feed_title=outlets[c],
                url=f"https://news.example/{outlets[c].lower().replace(' ', '-')}/{article_id}",
                published_at=at))
            out.story_of[article_id] = s
    return out
