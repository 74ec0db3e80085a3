"""Build ``data/given_names.txt``: given names that start a person's name in English news.

Why: most people in a news summary are named without a title or a speech verb ("Gisèle
Pelicot has released a memoir", "Steve Witkoff and Jared Kushner in Israel"); a run of
capitalised words whose first word is a known given name is a person. The names come from
Faker's person providers (MIT), every locale written in Latin script, plus the Cyrillic locales
transliterated; a short hand list adds romanised Arabic, Persian, Hebrew, Urdu, Hindi and
Slavic names common in world news that those lists lack (names are facts). Given names that are
also ordinary lower-case English words ("Will", "May", "Hope", "Dawn", "Summer"), country
names, demonyms and religions ("Oman", "German", "Christian") are dropped, the words judged by
the SCOWL word list of Debian's ``wamerican`` package, except a short list of names
far more often a name than a word at the start of a capitalised run ("Mark", "Bill", "Grant").
Chinese and Korean names put the family name first ("Xi Jinping", "Kim Jong Un"), so the
romanised family names go in a second section.

Run: ``pip install --target /tmp/faker faker && apt-get install wamerican &&
PYTHONPATH=/tmp/faker python -m newswatch.processors.tagging.tools.build_given_names``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
WORDS = Path("/usr/share/dict/american-english")
_ATTRS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
          "first_names_unisex", "first_romanized_names")
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*$")

def _words(text: str) -> list[str]:
    return text.split()


# Names that are also English words but in a capitalised run are nearly always a name.
KEEP_WORDS = _words("""Maria Martin Peter Victor John Robin Max Frank Mark Roger Tom Marina Jack Tony
Harry Roman Mike Carol Noel Dean Jimmy Amir Billy Lee Nick Terry Glen Dirk Dale Derrick Jay
Warren Ken Josh Bob Bobby Bill Brad Don Grant Hector Dieter Clement Basil Drew Gene Lance Ray
Rick Earl Randy Sue Pat Rob Matt Ed Hank Chuck Newt Nadir Serge Maxim Rose Grace Sally Heather
Eve Lily Iris Ruby Holly Hazel Penny Sherry Colleen Jasmine Mason Troy Hunter Marine Wade Kim
Tanner Derek Jasper Cliff Herb Gale Carmine Beau Eddy Hardy Curt Sonny Randy Ward""")

# Romanised given names frequent in world news that the provider lists lack.
EXTRA = _words("""Mohammed Muhammad Mohammad Mohamed Mahmoud Mahmud Ahmed Ahmad Abdel Abdul Abdullah
Abdulla Abdallah Abdulaziz Abdulrahman Abdelaziz Abdelfattah Abdel-Fattah Abu Hassan Hasan
Hussein Husain Hussain Hossein Hosein Ebrahim Ibrahim Ismail Ismael Yahya Yasser Yasir Khalid
Khaled Khalil Masoud Massoud Mahmood Abbas Abbasi Ali-Akbar Akbar Asghar Javad Jawad Mojtaba
Mohsen Mohsin Esmaeil Esmail Ghulam Gholam Hamid Hamed Majid Mehdi Mahdi Mustafa Mostafa Moustafa
Naim Nabil Nabih Najib Nasser Nasrallah Omar Umar Osama Usama Qasim Qassem Rashid Rashad Riyad
Riad Saeed Saied Salman Sami Samir Sayed Sayyid Seyed Shehbaz Shahbaz Shahid Sharif Sheikh-Hasina
Tariq Tarique Waleed Walid Yousef Yusuf Youssef Zahid Zaid Zayed Zia Ziaur Bilawal Asim Asif
Ishaq Imran Nawaz Maryam Khawaja Hafiz Aleema Shireen Benazir Pervez Parvez Maulana Fazlur Fazl
Sirajuddin Hibatullah Haibatullah Amrullah Zabihullah Zalmay Ashraf Hamdan Hamdi Hazem Haitham
Hikmat Faisal Fahad Fahd Turki Tamim Mansour Mansoor Marwan Mazen Muqtada Nouri Nuri Qais Rached
Recep Tayyip Mevlut Mevlüt Hakan Ekrem Selahattin Kemal Binali Abiy Isaias Bola Atiku Muhammadu
Cyril Jacob Thabo Julius Yoweri Paul Uhuru Raila Kagame Felix Félix Denis Ferdinand Bongbong
Narendra Rahul Sonia Arvind Amit Rajnath Nirmala Subrahmanyam Jaishankar Yogi Mamata Ajit Shashi
Sheikh Nitish Uddhav Akhilesh Mayawati Priyanka Smriti Piyush Ashwini Hardeep Asaduddin Naveen
Itamar Bezalel Naftali Yair Yoav Gideon Avigdor Benny Gadi Yoel Yossi Moshe Reuven Herzi Eyal
Aviv Amichai Ehud Yitzhak Shimon Tzipi Miri Merav Gilad Ofer Orly Israel Shlomo Dudi Ronen
Volodymyr Oleksandr Oleksiy Andriy Andrii Denys Dmytro Mykhailo Mykola Petro Vitali Vitaliy
Vitaly Valerii Valeriy Kyrylo Yuliia Yulia Iryna Olena Rustem Ruslan Serhiy Serhii Taras Vadym
Dmitry Dmitri Sergei Sergey Alexei Alexey Aleksei Aleksandr Nikolai Nikolay Yevgeny Yevgeniy Kirill
Ramzan Valery Valentina Maria Zakharova Anatoly Gennady Viktor Vyacheslav Yuri Yury Mikhail
Boris Lavrov Vasily Arkady Alexander Aleksander Ilham Nikol Kassym-Jomart Shavkat Emomali Tokayev
Keir Rishi Kemi Nigel Yvette Rachel Angela Olaf Friedrich Emmanuel Giorgia Ursula Kaja Mette
Viktor Recep Jens Mark Pedro Nicolás Delcy Edmundo Javier Gustavo Claudia Gabriel Luiz Lula
Jair Dilma Evo Rafael Sheinbaum Xiomara Nayib Daniel Gabriela Cristina Alberto Sergio Dina
Kilmar Tulsi Kash Kristi Pete Hegseth Marco Kamala Tim Gavin Ron Nikki Vivek Elon Jared Ivanka
Melania Hakeem Chuck Mitch Lindsey Ted Bernie Alexandria Ilhan Rashida Zohran Eric Letitia Jack
Shigeru Fumio Sanae Shinzo Yoshihide Taro Toshimitsu Katsunobu Yoshimasa Ishiba Lai Tsai
Prabowo Joko Anwar Mahathir Ismail Hun Manet Sen Min Aung Hlaing Suu Kyi Anutin Paetongtarn
Thaksin Srettha Ferdinand Rodrigo Sara Imelda Pita Gotabaya Ranil Anura Sajith Mahinda Pushpa
Sher Bahadur Prachanda Khadga Tshering Lotay Ibrahim Muizzu Hasina Khaleda Muhammad Yunus""")
# leaders' and officials' given names found missing on the development set (2026-12-07)
EXTRA += _words("""Abdelmadjid Abdourahamane Adama Ahsan Aimal Aitzaz Ajay Alar Alassane Andry Assimi Attaullah
Azma Baburam Balen Barack Bassirou Bidzina Bobi Carles Chrystia Debretsion Devlet Diosdado
Dubravka Einav Emmerson Evika Faure Faustin Fawad Flávio Frank-Walter Getachew Gibran Gitanas
Gleisi Gurbanguly Hage Hakainde Hina Hristijan Ihor Imee Irakli Jagmeet Jawar Junaid Kais
Kalonzo Keiko Kithure Kizza Kristalina Kyriakos Luhut Macky Mahamat Marriyum Megawati Micheál
Mikheil Mokgweetsi Moonis Moïse Muhoozi Muhyiddin Murtaza Musalia Namal Netumbo Orit Ousmane
Prayut Priti Puan Redwan Retno Riek Rigathi Rumen Sadyr Sajeeb Salva Samia Sanaullah Sarfraz
Serdar Shabana Shazia Shehzad Sohail Suella Sugiono Sushila Sviatlana Taye Tedros Tharman Tundu
Umaro Uzma Venâncio Vjosa Wopke Xóchitl Yamandú Yingluck""")
# A few of EXTRA are family names that news often writes alone; they must not start a run.
_NOT_GIVEN = {"Lavrov", "Zakharova", "Tokayev", "Kagame", "Hegseth", "Sheinbaum", "Ishiba",
              "Yunus", "Kyi", "Hlaing", "Aung", "Suu", "Sen", "Min", "Nasrallah", "Abbasi",
              "Sharif", "Israel", "Maulana", "Sheikh", "Sheikh-Hasina", "Abu", "Jaishankar",
              "Mayawati", "Prachanda", "Lotay", "Muizzu", "Hasina", "Khaleda", "Kassym-Jomart"}
# Words that are given names in some locale but in English news begin other things.
_NEVER = _words("""Said Will May August Can Man Us My Lo Among Add Less Hence Early Unknown Unnamed Infant
Baby General Colonel Admiral Captain Doctor Judge Governor Major Minor Prince Princess Queen King
Lady Saint Bishop Pastor Imam Sister Deacon Elder Squire Council Justice Liberty Victory Peace
Media Metro China North West South East Royal Noble True Golden Silver Star Sky Spring Winter
Summer Autumn Santa San Sankt Mont Monte Rio Porto Port Fort Van Von Del Della De La Le El Al
Bin Ibn Mar Abbey Villa Gay Sunny Christ Jesus Abu Sheikh Emir Hafiz Mullah
Maulana Sultan Malik Raja Rani Sardar Chaudhry Mian Syed Seyed Sayed Sayyid Khawaja Mufti Pir
Dar Shah Khan Mirza Begum Bibi Haji Hajji Agha Aga Mir Lalla Sri Shri Dato Datuk Tun Tan Sir
Dame Lord Baron Count Duke Earl Marquis Cardinal Pope Rabbi Ayatollah Prophet Allah God
January February March April June July September October November December Monday Tuesday
Wednesday Thursday Friday Saturday Sunday Easter Christmas Ramadan Eid Diwali Hanukkah
Israel Jordan Chad Georgia India Kenya Sierra Virginia Carolina Dakota Montana Nevada Florida
Indiana Chelsea Paris Sydney Victoria Florence Austin Houston Dallas Madison Lincoln Washington
Jersey York Orleans Vienna Sofia Lorraine Adelaide Regina Alexandria Charlotte Augusta Aurora
Bristol Cleveland Denver Phoenix Orlando Tyler Jackson Hamilton Nelson Milton Warwick Kent
Devon Cornwall Wales Ireland Scotland Brittany Normandy Asia Africa America Europe Latin Roma
Islam Nile Berlin London Milan Boston Santos Stanford Dow Brent Tory Kaiser""")
# Family names written first in Chinese, Korean and Vietnamese names, beyond Faker's lists.
EXTRA_FAMILY_FIRST = _words("""Xi Li Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin
Guo Ma Luo Liang Song Zheng Xie Han Tang Feng Yu Dong Xiao Cheng Cao Yuan Deng Fu Shen Zeng Peng
Lu Su Jiang Cai Jia Ding Wei Xue Ye Yan Pan Du Dai Xia Zhong Tian Ren Fan Fang Shi Yao Tan Liao
Zou Xiong Jin Qin Qiu Jiang Hou Shao Meng Long Wan Duan Lei Qian Tang Yin Yi Chang Lai Tsai Ko
Kim Lee Park Choi Jung Jeong Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong
Jeon Moon Nguyen Tran Le Pham Hoang Huynh Phan Vo Dang Bui Do Ho Ngo Duong Ly To""")
_FAMILY_NOT = {"Do", "Ho", "To", "Le", "Long", "Song", "Fan", "Pan", "Han", "Oh", "Moon", "Park",
               "Hong", "Lee", "Yu", "Wan", "Ding", "Du", "Hu", "Ye", "Yi", "Lu", "Ma", "Ren",
               "Hung", "Wu", "Kang", "Shin", "Jin", "Lim", "Ly", "Bai", "Cai", "Chin"}

_CYR = dict(zip("абвгдезийклмнопрстуфхцчшщъыьэюяёієїґ",
                ["a", "b", "v", "g", "d", "e", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                 "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
                 "yo", "i", "ye", "yi", "g"]))
_CYR.update({"ж": "zh"})


def _translit(name: str) -> list[str]:
    """Cyrillic -> the usual English-press spellings ("Дмитрий" -> Dmitriy, Dmitry)."""
    low = name.lower()
    out = "".join(_CYR.get(c, c) for c in low)
    forms = {out}
    if low.endswith("ий"):
        forms.add(out[:-2] + "y")
    if low.endswith("ей"):
        forms.add(out[:-2] + "ey")
    return [f.capitalize() for f in forms if f.isascii() and f.isalpha()]


def _country_words() -> set[str]:
    """Country names and demonyms of ``countries_base.tsv`` (never a given name here)."""
    out = {"Muslim", "Christian", "Jewish", "Hindu", "Sikh", "Buddhist"}
    for line in (DATA / "countries_base.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            out.update(cols[1].split("|"))
            out.add(cols[2])
    return out


def _provider_names() -> tuple[set[str], set[str]]:
    from faker.providers import person  # build-time only

    given: set[str] = set()
    family_first: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        locale = mod.name
        prov = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in _ATTRS:
            values = vars(prov).get(attr)
            if not isinstance(values, (list, tuple, dict, set)):
                continue
            for raw in values:
                raw = raw.strip()
                if not raw:
                    continue
                first = raw.split()[0]
                if locale in ("ru_RU", "uk_UA", "bg_BG"):
                    given.update(_translit(first))
                    continue
                if locale == "zh_TW":
                    continue  # romanised Taiwanese given names are hyphenated pairs
                if first.isupper():
                    first = first.capitalize()
                if all(ord(c) < 0x250 for c in first) and _NAME.match(first):
                    given.add(first)
        if locale in ("zh_CN", "zh_TW", "ko_KR"):
            for raw in vars(prov).get("last_romanized_names", ()):
                family_first.add(raw.strip().capitalize())
    return given, family_first


def main() -> None:
    given, family_first = _provider_names()
    given.update(EXTRA)
    given.update(KEEP_WORDS)
    family_first.update(EXTRA_FAMILY_FIRST)
    words = {w for w in WORDS.read_text(encoding="utf-8").split() if w.islower()}
    words |= {w.lower() for w in _country_words()}  # "German", "Oman": the gazetteer's
    keep = set(KEEP_WORDS)
    never = set(_NEVER) | _NOT_GIVEN
    given = {n for n in given if len(n) > 1 and n not in never
             and (n.lower() not in words or n in keep)}
    # no word filter here: "Xi", "Li" are words, but only a name-syllable word may follow them
    family_first = {n for n in family_first if n not in _FAMILY_NOT}
    lines = [
        "# Given names that start a person's name in English news, one per line; after",
        "# '[family_first]', romanised Chinese/Korean/Vietnamese family names that start one.",
        "# Generated by processors/tagging/tools/build_given_names.py from Faker's person",
        "# providers (MIT) and a hand list (facts); names that are English words (SCOWL, via",
        "# Debian wamerican) dropped. See SOURCES.md.",
        *sorted(given),
        "[family_first]",
        *sorted(family_first),
    ]
    (DATA / "given_names.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(given)} given names, {len(family_first)} family-first names")


if __name__ == "__main__":
    main()
