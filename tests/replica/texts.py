"""Plausible Polish news text for generated articles.

Sentences are built from templates whose slots are filled with phrases already in the right
grammatical case and gender, so the output reads as Polish news copy (it is not meant to be
true).  Only characters that windows-1250 can encode are used, because some E1 pages are
served in that encoding.
"""

from __future__ import annotations

import random
from typing import Any

# (nominative, genitive, locative with its preposition, accusative)
CITIES = (
    ("Pekin", "Pekinu", "w Pekinie", "Pekin"),
    ("Szanghaj", "Szanghaju", "w Szanghaju", "Szanghaj"),
    ("Kanton", "Kantonu", "w Kantonie", "Kanton"),
    ("Shenzhen", "Shenzhen", "w Shenzhen", "Shenzhen"),
    ("Chengdu", "Chengdu", "w Chengdu", "Chengdu"),
    ("Hangzhou", "Hangzhou", "w Hangzhou", "Hangzhou"),
    ("Wuhan", "Wuhanu", "w Wuhanie", "Wuhan"),
    ("Xi’an", "Xi’anu", "w Xi’anie", "Xi’an"),
    ("Chongqing", "Chongqingu", "w Chongqingu", "Chongqing"),
    ("Tianjin", "Tianjinu", "w Tianjinie", "Tianjin"),
    ("Harbin", "Harbinu", "w Harbinie", "Harbin"),
    ("Kunming", "Kunmingu", "w Kunmingu", "Kunming"),
    ("Warszawa", "Warszawy", "w Warszawie", "Warszawę"),
    ("Kraków", "Krakowa", "w Krakowie", "Kraków"),
    ("Łódź", "Łodzi", "w Łodzi", "Łódź"),
    ("Gdańsk", "Gdańska", "w Gdańsku", "Gdańsk"),
    ("Wrocław", "Wrocławia", "we Wrocławiu", "Wrocław"),
    ("Poznań", "Poznania", "w Poznaniu", "Poznań"),
)

# (name, past-tense ending for the subject's gender: "" masculine, "a" feminine, "o" neuter)
ORGS = (
    ("Ministerstwo Handlu ChRL", "o"),
    ("Państwowe Biuro Statystyczne", "o"),
    ("Chińska Akademia Nauk", "a"),
    ("Ludowy Bank Chin", ""),
    ("Generalna Administracja Celna", "a"),
    ("Narodowa Komisja Rozwoju i Reform", "a"),
    ("Ministerstwo Kultury i Turystyki ChRL", "o"),
    ("Chińskie Stowarzyszenie Producentów Samochodów", "o"),
    ("Państwowa Administracja Lotnictwa Cywilnego", "a"),
    ("Chińska Kolej Państwowa", "a"),
)

# (event in the nominative, gender ending)
EVENTS = (
    ("Międzynarodowy festiwal latawców", ""),
    ("Forum współpracy gospodarczej Chiny–Europa Środkowo-Wschodnia", "o"),
    ("Wystawa malarstwa chińskiego", "a"),
    ("Tydzień kultury chińskiej", ""),
    ("Konferencja poświęcona sztucznej inteligencji", "a"),
    ("Festiwal filmów chińskich", ""),
    ("Kongres młodych naukowców", ""),
    ("Pokaz tradycyjnej opery pekińskiej", ""),
    ("Konkurs języka chińskiego „Most do Chin”", ""),
    ("Wystawa porcelany z Jingdezhen", "a"),
    ("Jarmark noworoczny", ""),
    ("Spotkanie przedsiębiorców z Chin i Polski", "o"),
    ("Międzynarodowy maraton", ""),
    ("Festiwal herbaty", ""),
)

# (economic quantity in the nominative, gender ending for "wzrósł/wzrosła/wzrosło")
QUANTITIES = (
    ("Wartość handlu zagranicznego", "a"),
    ("Wolumen przeładunków w portach", ""),
    ("Produkcja przemysłowa", "a"),
    ("Sprzedaż detaliczna", "a"),
    ("Liczba podróży krajowych", "a"),
    ("Eksport pojazdów elektrycznych", ""),
    ("Import produktów rolnych", ""),
    ("Wartość transakcji w handlu elektronicznym", "a"),
    ("Liczba połączeń lotniczych", "a"),
)

SECTORS = (  # genitive, after "w dziedzinie"
    "handlu zagranicznego", "energii odnawialnej", "turystyki", "rolnictwa",
    "transportu kolejowego", "sztucznej inteligencji", "gospodarki cyfrowej",
    "ochrony środowiska", "wymiany kulturalnej", "szkolnictwa wyższego", "logistyki",
    "opieki zdrowotnej", "przemysłu motoryzacyjnego", "badań naukowych",
)

PERSONS = (  # (role in the nominative, gender ending)
    ("przewodniczący komitetu organizacyjnego", ""),
    ("rzeczniczka ministerstwa", "a"),
    ("dyrektor instytutu", ""),
    ("przedstawicielka władz lokalnych", "a"),
    ("prezes izby handlowej", ""),
    ("kurator wystawy", ""),
    ("ambasador ChRL w Polsce", ""),
)

QUOTES = (
    "współpraca przynosi wymierne korzyści obu stronom",
    "to dopiero początek długofalowego projektu",
    "zainteresowanie przerosło oczekiwania organizatorów",
    "wydarzenie ma stać się stałym punktem w kalendarzu",
    "kluczowe znaczenie ma wymiana między młodymi ludźmi",
    "otwartość i dialog są najlepszą drogą do wspólnego rozwoju",
)

ACTIVITIES = (
    "warsztaty kaligrafii, pokazy parzenia herbaty i koncerty muzyki tradycyjnej",
    "panele dyskusyjne, wystawy technologiczne i spotkania biznesowe",
    "projekcje filmów, spotkania z reżyserami i wykłady",
    "degustacje potraw regionalnych i pokazy sztuk walki",
)

FACILITIES = (
    "centrum badań nad pandami wielkimi", "muzeum sztuki współczesnej", "centrum logistyczne",
    "laboratorium sztucznej inteligencji", "centrum wymiany kulturalnej", "terminal kontenerowy",
    "park technologiczny", "dworzec kolei dużych prędkości",
)

TRENDS = (
    "rośnie znaczenie nowych technologii w tradycyjnych branżach",
    "młodzi konsumenci coraz chętniej wybierają lokalne marki",
    "zielona transformacja przyspiesza w całym regionie",
    "turystyka kulturowa przeżywa prawdziwy rozkwit",
    "handel elektroniczny zmienia przyzwyczajenia mieszkańców małych miast",
)

SHOWS = (
    "pokazy sztucznych ogni", "występy zespołów ludowych", "paradę smoków",
    "prezentacje nowych modeli samochodów elektrycznych", "pokaz tańca lwa",
)

GOODS = (  # instrumental, after "stoiska z"
    "herbatą z prowincji Fujian", "jedwabiem z Suzhou", "porcelaną", "produktami rolnymi z Polski",
    "polskimi jabłkami", "bursztynem z Gdańska", "tradycyjnymi lampionami",
)

DAYS = (
    "w ostatni weekend", "w piątek", "w poniedziałek", "w środę", "na początku tygodnia",
    "w minioną sobotę", "we wtorek",
)

PERIODS = (
    "pierwszym kwartale", "pierwszym półroczu", "pierwszych trzech kwartałach",
    "ubiegłym miesiącu", "pierwszych dziesięciu miesiącach",
)

SUBHEADS = (
    "Nowe możliwości współpracy", "Rekordowe wyniki", "Głos ekspertów", "Co dalej?",
    "Tradycja i nowoczesność", "Wsparcie dla przedsiębiorców", "Kultura łączy narody",
    "Perspektywy na przyszłość",
)

CAPTIONS = (
    "Uczestnicy spotkania {loc}", "Widok na centrum {gen}", "Stoisko z chińską herbatą",
    "Pokaz tradycyjnego tańca lwa", "Goście podczas otwarcia wystawy {loc}",
    "Nowy terminal kontenerowy {loc}",
)

AUTHORS = ("A. L.", "M. W.", "J. Ż.", "K. S.", "E. Ś.", "T. Z.", "Ł. P.", "J. K. W.")

EDITORS = ("Xue Yanan", "Wu Xiaoling", "Li Jing", "Zhang Hong", "Chen Yu")


def pick(rng: random.Random, seq: tuple[Any, ...]) -> Any:
    """``rng.choice`` without its rejection loop (this module runs a million times a corpus)."""
    return seq[int(rng.random() * len(seq))]


def between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint`` (inclusive), fast."""
    return low + int(rng.random() * (high - low + 1))


def _pct(rng: random.Random) -> str:
    return f"{between(rng, 1, 29)},{between(rng, 0, 9)}"


def _grew(ending: str) -> str:
    return {"": "wzrósł", "a": "wzrosła", "o": "wzrosło"}[ending]


def sentence(rng: random.Random, year: int) -> str:
    """One plausible news sentence."""
    which = int(rng.random() * 24)
    if which in (0, 8, 11, 13, 21):  # only these templates name a city
        city = pick(rng, CITIES)
        city2 = pick(rng, CITIES)
    if which == 0:
        name, g = pick(rng, EVENTS)
        return f"{name} odbył{g} się {city[2]} {pick(rng, DAYS)}."
    if which == 1:
        return (
            f"Wydarzenie zgromadziło ponad {between(rng, 2, 90)} tys. uczestników z "
            f"{between(rng, 5, 60)} krajów i regionów."
        )
    if which == 2:
        org, g = pick(rng, ORGS)
        qty, qg = pick(rng, QUANTITIES)
        return (
            f"{org} poinformował{g}, że w {pick(rng, PERIODS)} {qty[0].lower() + qty[1:]} "
            f"{_grew(qg)} o {_pct(rng)} proc. rok do roku."
        )
    if which == 3:
        return (
            "Według ekspertów to efekt dalszego otwierania się Chin na świat i rosnącego popytu "
            "wewnętrznego."
        )
    if which == 4:
        a, b = rng.sample(SECTORS, 2)
        return f"Strony zgodziły się pogłębiać współpracę w dziedzinie {a} oraz {b}."
    if which == 5:
        role, g = pick(rng, PERSONS)
        return f"Jak podkreślił{g} {role}, {pick(rng, QUOTES)}."
    if which == 6:
        return f"W programie znalazły się {pick(rng, ACTIVITIES)}."
    if which == 7:
        return (
            f"Pociągi towarowe na trasie Chiny–Europa wykonały od początku roku ponad "
            f"{between(rng, 5, 19)} tys. kursów."
        )
    if which == 8:
        return f"Władze {city[1]} zapowiedziały, że podobne inicjatywy będą organizowane regularnie."
    if which == 9:
        return f"Inwestycja ma zostać ukończona do końca {year + between(rng, 1, 3)} roku."
    if which == 10:
        return f"Eksperci zwracają uwagę, że {pick(rng, TRENDS)}."
    if which == 11:
        loc = city[2]
        return f"{loc[0].upper() + loc[1:]} otwarto nowe {pick(rng, FACILITIES)}."
    if which == 12:
        return (
            "Polska jest jednym z najważniejszych partnerów handlowych Chin w Europie "
            "Środkowo-Wschodniej."
        )
    if which == 13:
        return f"W ubiegłym roku {city[3]} odwiedziło ponad {between(rng, 2, 40)} mln turystów."
    if which == 14:
        return (
            f"Przedstawiciele obu krajów podpisali {between(rng, 5, 20)} umów o współpracy w "
            f"dziedzinie {pick(rng, SECTORS)}."
        )
    if which == 15:
        return "Organizatorzy zapowiadają, że kolejna edycja odbędzie się za rok."
    if which == 16:
        return "Chińska gospodarka utrzymuje stabilne tempo wzrostu mimo niepewnej sytuacji na świecie."
    if which == 17:
        return "Projekt realizowany jest w ramach Inicjatywy Pasa i Szlaku."
    if which == 18:
        return (
            f"Na miejscu pojawiło się wielu mieszkańców, którzy z zainteresowaniem oglądali "
            f"{pick(rng, SHOWS)}."
        )
    if which == 19:
        qty, qg = pick(rng, QUANTITIES)
        return (
            f"{qty} {_grew(qg)} o {_pct(rng)} proc. w porównaniu z analogicznym okresem "
            f"ubiegłego roku."
        )
    if which == 20:
        return f"Szczególnym zainteresowaniem cieszyły się stoiska z {pick(rng, GOODS)}."
    if which == 21:
        return f"{city[0]} od lat rozwija współpracę z partnerami z {city2[1]}."
    if which == 22:
        return "Zdaniem analityków w kolejnych miesiącach można spodziewać się dalszego ożywienia."
    return "Inicjatywa spotkała się z ciepłym przyjęciem zarówno ze strony mieszkańców, jak i turystów."


def paragraph(rng: random.Random, year: int) -> str:
    return " ".join(sentence(rng, year) for _ in range(between(rng, 2, 5)))


def headline(rng: random.Random) -> str:
    city = pick(rng, CITIES)
    which = int(rng.random() * 8)
    if which == 0:
        name, g = pick(rng, EVENTS)
        return f"{name} odbył{g} się {city[2]}"
    if which == 1:
        qty, g = pick(rng, QUANTITIES)
        return f"{qty} {_grew(g)} o {_pct(rng)} proc."
    if which == 2:
        loc = city[2]
        return f"{loc[0].upper() + loc[1:]} otwarto nowe {pick(rng, FACILITIES)}"
    if which == 3:
        return f"Chiny i Polska pogłębiają współpracę w dziedzinie {pick(rng, SECTORS)}"
    if which == 4:
        org, _ = pick(rng, ORGS)
        qty, g = pick(rng, QUANTITIES)
        return f"{org}: {qty[0].lower() + qty[1:]} {_grew(g)} o {_pct(rng)} proc."
    if which == 5:
        return f"Rekordowa liczba turystów {city[2]}"
    if which == 6:
        return f"Pociągi Chiny–Europa: ponad {between(rng, 5, 19)} tys. kursów od początku roku"
    name, g = pick(rng, EVENTS)
    began = {"": "rozpoczął", "a": "rozpoczęła", "o": "rozpoczęło"}[g]
    return f"{name} {began} się {city[2]}"


def caption(rng: random.Random) -> str:
    city = pick(rng, CITIES)
    return pick(rng, CAPTIONS).format(loc=city[2], gen=city[1])


def subhead(rng: random.Random) -> str:
    return pick(rng, SUBHEADS)
