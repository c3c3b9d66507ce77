"""The fixed part of the corpus: the real samples of the dossier and hand-made E4 fixtures.

The real samples (dossier section 7) keep their real URL, era, headline and displayed date;
where the dossier quotes their text (the seed article in full, the closing line of 2024-02-09)
the text is the real one, elsewhere it is plausible Polish written for the replica.  The E4
fixtures are invented: the dossier has no Polish E4 article text, so they exist to give every
E4 variant (API shapes, HTML variants, client-rendered shells, video) at least one article even
when the replica runs with ``articles=0``.

The section tree of the E4 platform lives here too: the real ``vlogi`` and
``vlogi/milomiciepoznac`` plus invented, plausible Polish ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .corpus import (
    CANONICAL_BASE,
    Article,
    Video,
    bj,
    epoch_ms,
    even_page_starts,
    make_brief,
)

#: The E4 channel id of the Polish edition (real value UNKNOWN; grammar ``CHAL`` + 16 digits).
CHANNEL_ID = "CHAL1722571403427417"
HOME_PAGE_ID = "PageQm3KdT8wLx2NvBy6Rc0Z240807"

SEED_URL = f"{CANONICAL_BASE}/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml"
SEED_ID = "ARTIzR7mcXGTA3meOEfr1fMJ240703"
ZT_PATH = "/501/2013/02/25/Zt162s114951.htm"


@dataclass(frozen=True)
class Section:
    """An E4 section page ``/<slug>/page.shtml``.

    ``end`` says what the API answers past the last page (the real behaviour is UNKNOWN):
    ``"empty"`` (the list module with no cards), ``"repeat"`` (the last page again) or
    ``"fail"`` (``succeed: 0``).  ``nav``: linked by a navigation card of the home page;
    ``home``: has a content module on the home page; sub-sections without either are reachable
    only through their parent's answer.
    """

    slug: str
    title: str
    page_id: str
    end: str
    parent: str | None = None
    nav: bool = False
    home: bool = False
    video: bool = False
    host: str = CANONICAL_BASE  # how the home page writes its link (the real sample uses cgtn)

    @property
    def path(self) -> str:
        return f"/{self.slug}/page.shtml"

    @property
    def url(self) -> str:
        return f"{self.host}{self.path}"


SECTIONS: tuple[Section, ...] = (
    Section("wiadomosci", "Wiadomości", "PageW1aD0mQs8Tz4Lp7Kx2Vn240807", "empty", nav=True, home=True),
    Section("Chiny", "Chiny", "PageC8hNyR3tK5mQ1wXz7Lb2240807", "repeat", nav=True, home=True),
    Section("swiat", "Świat", "PageS4wIaT9pL2kR6mN0xQv3240807", "fail", nav=True),
    Section("kultura", "Kultura", "PageK7uLtU1rA5zM3pQ8wN4y240807", "empty", nav=True, home=True),
    Section(
        "kultura/KuchniaChinska", "Kuchnia chińska", "PageKu6cH3nIa9Ch2Ns5Ka1Q240912", "repeat",
        parent="kultura",
    ),
    Section("gospodarka", "Gospodarka", "PageG0sP4oDa7Rk2Aq9Zw5Ex240807", "fail", home=True),
    Section(
        "gospodarka/PasISzlak", "Pas i Szlak", "PageP9aS1iSz3La6Kr8Tb2Yw241015", "empty",
        parent="gospodarka",
    ),
    Section("vlogi", "Vlogi", "PageV2lO6gI8qT3xW5nB7mKc240807", "repeat", nav=True, home=True, video=True),
    Section(
        "vlogi/milomiciepoznac", "Miło mi cię poznać", "PageM5iLo0Mi4Cie7Po1Zn3Ac250301", "fail",
        parent="vlogi", home=True, video=True, host="https://polish.cgtn.com",
    ),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def e4_id(created: datetime, suffix: int) -> str:
    """``ARTI`` + 13-digit creation time in epoch ms + 3 digits (dossier section 1)."""
    return f"ARTI{epoch_ms(created):013d}{suffix:03d}"


def e4_url(article_id: str, created: datetime) -> str:
    return f"{CANONICAL_BASE}/{created:%Y/%m/%d}/{article_id}"


def pic(day: datetime, key: str, size: int = 1280) -> str:
    return f"https://38picres.cgtn.com/image/{day:%Y%m%d}/{key}_{size}.jpg"


def video_for(article_id: str, day: datetime, duration: str) -> Video:
    base = f"https://38vodres.cgtn.com/news/{day:%Y%m%d}/{article_id.lower()}"
    return Video(article_id, duration, f"{base}/playlist.m3u8", f"{base}/hd.m3u8", f"{base}/cd.m3u8")


SEED_PARAGRAPHS: tuple[str, ...] = (
    (
        '3 lipca przed południem czasu lokalnego, w pałacu prezydenckim w Astanie, przewodniczący '
        'ChRL Xi Jinping odbył rozmowy z prezydentem Kazachstanu - Kasymem–Żomartem Tokajewem.'
    ),
    (
        'W czasie rozmów w małym gronie, Xi Jinping zauważył, że w zeszłym roku spotkał się z '
        'prezydentem Tokajewem dwukrotnie – w Xi’anie i Pekinie – aby zaplanować nowe strategie '
        'rozwoju chińsko-kazachskich relacji. Chiny zawsze postrzegały relacje z Kazachstanem z '
        'perspektywy strategicznej i długoterminowej, uznając Kazachstan za priorytet w '
        'dyplomacji regionalnej i ważnego partnera w Azji Środkowej. Chiny są zdecydowane na '
        'utrzymanie i rozwijanie relacji z Kazachstanem, niezależnie od zmieniających się '
        'okoliczności międzynarodowych. Chiny będą zawsze solidnym i godnym zaufania sąsiadem '
        'oraz partnerem Kazachstanu. Chiny są gotowe kontynuować współpracę w dziedzinie '
        'tradycyjnej energii, takiej jak gaz ziemny oraz rozszerzać współpracę w zakresie nowych '
        'źródeł energii, takich jak energia słoneczna i wiatrowa. Zachęcają więcej chińskich '
        'przedsiębiorstw do inwestowania w Kazachstanie, pomagając przekształcić zasoby '
        'Kazachstanu w zdolności rozwojowe, osiągając zielony, niskoemisyjny i zrównoważony '
        'rozwój.'
    ),
    (
        'Tokajew podkreślił, że wizyta przewodniczącego Xi Jinpinga w Kazachstanie ma historyczne '
        'znaczenie dla rozwoju relacji chińsko-kazachskich. Chiny są przyjaznym sąsiadem, bliskim '
        'przyjacielem i ważnym strategicznym partnerem Kazachstanu. Relacje chińsko-kazachskie '
        'zawsze opierały się na solidnej przyjaźni i zdecydowanym wzajemnym wsparciu, osiągając '
        'bezprecedensowy poziom rozwoju. Współpraca w dziedzinie handlu, energii, rolnictwa i '
        'minerałów przyniosła znaczące korzyści obu narodom. Relacje między obu krajami stają się '
        'wzorem dla relacji międzynarodowych. Kazachstan gratuluje Chinom osiągnięcia '
        'historycznych sukcesów na wszystkich frontach i wierzy, że Chiny osiągną jeszcze większe '
        'sukcesy na drodze do socjalizmu z chińską specyfiką w Nowej Erze. Kazachstan pragnie '
        'współpracować z Chinami w dalszym rozwijaniu potencjału współpracy w dziedzinach takich '
        'jak energia, minerały, nowe źródła energii i sieć połączeń, podnosząc relacje dwustronne '
        'na nowy poziom. Kazachstan jest wdzięczny Chinom za zdecydowane wsparcie suwerenności, '
        'niepodległości i integralności terytorialnej Kazachstanu, będzie przestrzegać zasady '
        '„Jednych Chin” i stanowczo zwalczać „trzy siły” terroryzmu, separatyzmu i ekstremizmu, '
        'aby utrzymać wspólne bezpieczeństwo obu krajów.'
    ),
    (
        'W czasie rozmów w dużym gronie, Xi Jinping podkreślił, że relacje między Chinami a '
        'Kazachstanem mają swoje korzenie w starożytnym Jedwabnym Szlaku, a po 32 latach '
        'współpracy opartej na wzajemnych korzyściach osiągnęły poziom trwałego, kompleksowego '
        'partnerstwa strategicznego, gdzie przyjaźń na pokolenia, wysokie zaufanie i wspólne losy '
        'stały się głównym motywem współpracy między Chinami a Kazachstanem. Bez względu na '
        'zmieniającą się sytuację międzynarodową, Chiny są zdecydowane utrzymać i rozwijać '
        'przyjazne relacje z Kazachstanem, pogłębiać wszechstronną współpracę, zapewniać wzajemne '
        'wsparcie w kluczowych kwestiach i podtrzymywać wiarę na zrealizowanie celów rozwoju '
        'własnego kraju. Chiny i Kazachstan wspólnie budują bardziej złożoną i dynamiczną '
        'wspólnotę losów chińsko-kazachskich, wnosząc więcej pozytywnej energii do rozwoju i '
        'stabilności regionu i świata.'
    ),
    (
        'Xi Jinping podkreślił, że oba kraje, Chiny i Kazachstan, znajdują się w kluczowej fazie '
        'rozwoju i odrodzenia. Obie strony muszą wzmocnić dopasowanie swoich strategii '
        'rozwojowych oraz wymianę doświadczeń w zarządzaniu państwem, realizując więcej projektów '
        'korzystnych dla obu stron, co przyczyni się do rozwoju obu krajów. Chiny są gotowe do '
        'podniesienia poziomu współpracy gospodarczej i handlowej z Kazachstanem, wyznaczając '
        'nowy cel, jakim jest szybkie podwojenie dwustronnej wymiany handlowej w przyszłości. '
        'Zamierzają także zwiększyć import wysokiej jakości produktów z Kazachstanu oraz stworzyć '
        'nowe punkty wzrostu we współpracy, takie jak handel elektroniczny i gospodarka cyfrowa. '
        'Obie strony powinny zwiększyć skalę współpracy w zakresie inwestycji produkcyjnych, '
        'odkrywać potencjał współpracy w dziedzinie innowacji technologicznych oraz rozszerzać '
        'współpracę w obszarach takich jak pojazdy elektryczne, energia odnawialna, '
        'transgraniczny e-commerce i komunikacja satelitarna. Chiny są również gotowe aktywnie '
        'wspierać budowę międzynarodowej trasy transportowej przez Morze Kaspijskie. Chiny '
        'wspierają także organizację w Kazachstanie „Roku Turystyki Chińskiej” w przyszłym roku i '
        'planują otworzyć drugi warsztat Luban w Kazachstanie.'
    ),
    (
        'Xi Jinping wysoko ocenił pracę Kazachstanu jako państwa przewodniczącego Szanghajskiej '
        'Organizacji Współpracy i życzył sukcesu szczytowi w Astanie organizowanemu przez '
        'Kazachstan. Xi Jinping zaznaczył, że po szczycie w Astanie Chiny przejmą przewodnictwo w '
        'Szanghajskiej Organizacji Współpracy i są gotowe współpracować z Kazachstanem i innymi '
        'państwami członkowskimi w budowaniu ściślejszej wspólnoty losów Szanghajskiej '
        'Organizacji Współpracy. Chiny wspierają organizację drugiego szczytu Chiny-Środkowa Azja '
        'w przyszłym roku przez Kazachstan i są gotowe współpracować z Kazachstanem oraz innymi '
        'zainteresowanymi stronami w doskonaleniu i wzmacnianiu mechanizmu współpracy '
        'Chiny-Środkowa Azja, aby osiągnąć więcej rezultatów. Chiny będą współpracować z '
        'Kazachstanem w ramach wielostronnych organizacji, takich jak ONZ, praktykując prawdziwy '
        'multilateralizm i chroniąc wspólne interesy Chin i Kazachstanu oraz szerokiej grupy '
        'krajów rozwijających się.'
    ),
    (
        'Tokajew zaznaczył, że wizyta przewodniczącego Xi Jinpinga w Kazachstanie po raz kolejny '
        'pokazuje, że obie strony wysoko się cenią i pragną dalej rozwijać trwałe, kompleksowe '
        'partnerstwo strategiczne między Chinami a Kazachstanem. Chiny i Kazachstan mają '
        'wielowiekową, solidną przyjaźń, a współpraca w różnych dziedzinach przynosiła owocne '
        'rezultaty. Szczególnie w ostatnich latach, chińsko-kazachskie relacje wkroczyły w nową '
        '„złotą erę”, a znaczące projekty współpracy między dwoma krajami przebiegają pomyślnie. '
        'Współpraca w dziedzinach takich jak rolnictwo, energia odnawialna i kultura przynoszą '
        'pozytywne rezultaty, przyczyniając się do dobrobytu obu narodów. Kazachstan zdecydowanie '
        'przestrzega zasady „Jednych Chin” i jest godnym zaufania przyjacielem i partnerem Chin. '
        'Pogłębianie strategicznej współpracy z Chinami jest strategicznym priorytetem '
        'Kazachstanu. Kazachstan wysoko ocenia pokojową politykę zagraniczną Chin oraz globalne '
        'inicjatywy proponowane przez Xi Jinpinga, uznając ważny wkład Chin w promowanie pokoju i '
        'rozwoju na świecie. Kazachstan jest gotowy współpracować z Chinami w budowaniu wspólnoty '
        'losów chińsko-kazachskich i społeczności o wspólnej przyszłości dla ludzkości. '
        'Kazachstan oczekuje na pełne wdrożenie wyników tej wizyty Xi Jinpinga, kontynuowanie '
        'wysokiej jakości współpracy w ramach Inicjatywy Pasa i Szlaku, dążenie do podwojenia '
        'dwustronnego obrotu handlowego oraz wzmacnianie współpracy w dziedzinach takich jak '
        'rolnictwo, handel, energia odnawialna, transgraniczny e-commerce i samochody '
        'elektryczne. Kazachstan jest gotowy do promowania budowy międzynarodowej trasy '
        'transportowej przez Morze Kaspijskie, do wspierania chińsko-kazachstańskiego centrum '
        'kulturalnego i warsztatu Luban oraz do organizacji w przyszłym roku „Rok Turystyki '
        'Chińskiej”. Kazachstan będzie nadal aktywnie uczestniczył w mechanizmie współpracy '
        'między Chinami a państwami Azji Środkowej oraz ściśle współpracował z Chinami w ramach '
        'Szanghajskiej Organizacji Współpracy, ONZ i innych wielostronnych formatów.'
    ),
    (
        'Po rozmowach przywódcy obu krajów wspólnie podpisali „Wspólne oświadczenie Chińskiej '
        'Republiki Ludowej i Republiki Kazachstanu” oraz wspólnie byli świadkami wymiany wielu '
        'dwustronnych dokumentów współpracy w dziedzinach handlu, sieci połączeń, lotnictwa '
        'kosmicznego, edukacji, mediów i innych.'
    ),
)


def _e3(
    token: str,
    published: datetime,
    headline: str,
    paragraphs: tuple[str, ...],
    *,
    knobs: dict[str, str],
    author: str | None = None,
    initials: str | None = None,
    listed_at: datetime | None = None,
    section: str | None = None,
    subheads: frozenset[int] = frozenset(),
    rough: bool = False,
    entities: bool = False,
) -> Article:
    url = f"{CANONICAL_BASE}/{published:%Y/%m/%d}/{token}.shtml"
    return Article(
        id=token,
        era="E3",
        url=url,
        headline=headline,
        published=published,
        modified=listed_at,
        paragraphs=paragraphs,
        section=section,
        author=author,
        initials=initials,
        brief=make_brief(paragraphs),
        variant=knobs["body"],
        knobs=knobs,
        subheads=subheads,
        photo=pic(published, token[4:14].lower(), 640),
        reach="listed" if listed_at else "url_only",
        listed_at=listed_at,
        rough=rough,
        entities=entities,
        real=True,
    )


def real_e3() -> list[Article]:
    """The five real E3 samples (seed text real, others plausible around the real headline)."""
    seed = _e3(
        SEED_ID,
        bj(2024, 7, 3, 19, 56, 10),
        "Xi Jinping przeprowadził rozmowy z prezydentem Kazachstanu",
        SEED_PARAGRAPHS,
        author="A. L.",
        initials="(A. L.)",
        # Migrated into the new CMS: listed in E4 with its old date and a recent modifyDate.
        listed_at=bj(2026, 3, 12, 10, 0, 0),
        section="wiadomosci",
        knobs={
            "body": "abody", "title": "atitle", "date": "apublishtime", "baidu": "element",
            "zebian": "no", "noshtml": "e4", "e4html": "nuxt_a", "api": "content",
        },
    )
    festival = _e3(
        "ARTISlaAOncqzLLQLIzP3Bry240209",
        bj(2024, 2, 9, 10, 53, 13),
        "Światowi przywódcy przekazują Chińczykom życzenia świąteczne",
        (
            "W związku ze zbliżającym się Świętem Wiosny przywódcy wielu państw i organizacji "
            "międzynarodowych przekazali narodowi chińskiemu najlepsze życzenia noworoczne.",
            "Sekretarz generalny ONZ António Guterres w nagraniu wideo życzył wszystkim Chińczykom "
            "w kraju i za granicą pomyślności w Roku Smoka. Podkreślił, że Chiny odgrywają ważną "
            "rolę w rozwiązywaniu globalnych wyzwań.",
            "Życzenia złożyli również przywódcy krajów Azji, Afryki, Ameryki Łacińskiej i Europy, "
            "wyrażając nadzieję na dalszy rozwój przyjaznych stosunków z Chinami.",
            # The real closing line (dossier): "...przesłali Chinom świąteczne pozdrowienia. (A. L.)"
            "Także przedstawiciele organizacji międzynarodowych oraz przyjaciele Chin z różnych "
            "stron świata przesłali Chinom świąteczne pozdrowienia.",
        ),
        author="A. L.",
        initials="(A. L.)",
        knobs={
            "body": "content_area_id", "title": "h1", "date": "bare", "baidu": "logo",
            "zebian": "yes", "noshtml": "301",
        },
    )
    sessions = _e3(
        "ARTI38Lc0FIWtkz2rSvM2B7M230316",
        bj(2023, 3, 16, 16, 43, 4),
        "Posiedzenia 2 Izb Parlamentu chińskiego w 2023 r. - Program dla 1,4 mld obywateli",
        (
            "Tegoroczne posiedzenia Ogólnochińskiego Zgromadzenia Przedstawicieli Ludowych i "
            "Ludowej Politycznej Konferencji Konsultatywnej Chin, nazywane w Chinach „dwiema "
            "sesjami”, zakończyły się w Pekinie 13 marca. Były to pierwsze posiedzenia nowej "
            "kadencji obu izb.",
            "W sprawozdaniu z pracy rządu premier Li Keqiang przedstawił cel wzrostu gospodarczego "
            "na 2023 rok na poziomie około 5 proc. Zapowiedziano także utworzenie około 12 mln "
            "nowych miejsc pracy w miastach i utrzymanie inflacji na poziomie około 3 proc.",
            "Priorytety na nową kadencję",
            "Delegaci dyskutowali o pobudzeniu popytu wewnętrznego, wsparciu dla sektora "
            "prywatnego, modernizacji rolnictwa oraz rozwoju nowoczesnego systemu przemysłowego. "
            "Wiele uwagi poświęcono też innowacjom naukowym i samowystarczalności technologicznej.",
            "Zgromadzenie zatwierdziło plan reformy instytucji Rady Państwa, który przewiduje m.in. "
            "utworzenie Państwowego Biura Danych oraz reorganizację Ministerstwa Nauki i "
            "Technologii.",
            "Ważnym tematem była poprawa warunków życia mieszkańców: opieka zdrowotna, system "
            "emerytalny, edukacja i opieka nad osobami starszymi. Jak podkreślali delegaci, rozwój "
            "ma służyć przede wszystkim ludziom.",
            "Obserwatorzy zagraniczni zwracają uwagę, że decyzje podjęte podczas „dwóch sesji” mają "
            "znaczenie nie tylko dla 1,4 mld obywateli Chin, ale także dla gospodarki światowej, "
            "która liczy na stabilny popyt ze strony drugiej gospodarki świata.",
        ),
        subheads=frozenset({2}),
        rough=True,  # the real column has double spaces inside sentences
        knobs={
            "body": "detailmod", "title": "atitle", "date": "bare", "baidu": "line",
            "zebian": "no", "noshtml": "200",
        },
    )
    journey = _e3(
        "ARTI6h8VBxljiKxt9R2lx3Ga221024",
        bj(2022, 10, 24, 11, 28, 30),
        "Nowa podróż Chin, nowe możliwości dla świata",
        (
            "22 października w Pekinie zakończył się XX Zjazd Krajowy Komunistycznej Partii Chin. "
            "Zjazd wyznaczył cele rozwoju kraju na najbliższe pięć lat i dalszą perspektywę.",
            "Chiny zapowiedziały dalsze otwieranie się na świat, budowę nowego modelu rozwoju oraz "
            "promowanie wysokiej jakości rozwoju gospodarczego. Dla partnerów zagranicznych "
            "oznacza to nowe możliwości współpracy w handlu, inwestycjach i innowacjach.",
            "Chiński rynek, liczący ponad 1,4 mld konsumentów, pozostaje jednym z najważniejszych "
            "motorów wzrostu gospodarki światowej. Import towarów i usług ma w kolejnych latach "
            "nadal rosnąć.",
            "Eksperci podkreślają, że stabilny rozwój Chin sprzyja stabilności w świecie pełnym "
            "niepewności.",
        ),
        listed_at=bj(2025, 6, 20, 14, 0, 0),
        section="swiat",
        knobs={
            "body": "content_area_class", "title": "h1", "date": "apublishtime",
            "baidu": "element", "zebian": "yes", "noshtml": "e4", "e4html": "nuxt_b",
            "api": "modules_data",
        },
    )
    taiwan = _e3(
        "ARTIgJSOt72SqMoIUC945n8o220726",
        bj(2022, 7, 26, 17, 4, 7),
        # The space before the colon is real and is kept.
        "MSZ Chin : „Niepodległość Tajwanu” to ślepy zaułek",
        (
            "Rzecznik Ministerstwa Spraw Zagranicznych Chin Zhao Lijian oświadczył we wtorek na "
            "konferencji prasowej w Pekinie, że dążenie do „niepodległości Tajwanu” prowadzi "
            "donikąd.",
            "Rzecznik podkreślił, że na świecie są tylko jedne Chiny, a Tajwan jest niezbywalną "
            "częścią terytorium Chin. Zasada jednych Chin jest powszechnie uznaną normą stosunków "
            "międzynarodowych.",
            "Zhao Lijian wezwał stronę amerykańską do przestrzegania zasady jednych Chin i "
            "postanowień trzech wspólnych komunikatów chińsko-amerykańskich.",
        ),
        entities=True,
        knobs={
            "body": "abody", "title": "h1", "date": "bare", "baidu": "logo",
            "zebian": "no", "noshtml": "301",
        },
    )
    return [seed, festival, sessions, journey, taiwan]


def _e2(
    section_path: str,
    chan: str,
    num_id: int,
    published: datetime,
    headline: str,
    paragraphs: tuple[str, ...],
    knobs: dict[str, str],
) -> Article:
    url = f"{CANONICAL_BASE}/{section_path}/{chan}/{published:%Y%m%d}/{num_id}.html"
    return Article(
        id=f"E2-{num_id}",
        era="E2",
        url=url,
        headline=headline,
        published=published,
        paragraphs=paragraphs,
        section=section_path,
        brief=make_brief(paragraphs),
        variant=knobs["title"],
        knobs=knobs,
        real=True,
    )


def real_e2() -> list[Article]:
    ruszer = _e2(
        "wisla_i_langcy", "4206", 744781, bj(2022, 3, 24, 23, 30, 0),
        "Andrzej Ruszer: Mam nadzieję, że każdy zobaczy nowoczesną i różnorodną Polskę",
        (
            "W kolejnym odcinku cyklu „Wisła i Langcang” rozmawiamy z Andrzejem Ruszerem, który od "
            "lat promuje polską kulturę i gospodarkę w Chinach.",
            "– Chińczycy często kojarzą Polskę z Chopinem, Marią Skłodowską-Curie i Janem Pawłem II. "
            "Mam nadzieję, że każdy zobaczy nowoczesną i różnorodną Polskę – mówi nasz gość.",
            "Andrzej Ruszer opowiada również o rosnącym zainteresowaniu polską żywnością na "
            "chińskim rynku, o wymianie studenckiej i o tym, jak pandemia zmieniła kontakty między "
            "ludźmi obu krajów.",
            "Zapraszamy do wysłuchania całej rozmowy.",
        ),
        {"title": "h1", "share": "colon", "cookie": "yes", "big5": "no"},
    )
    plenum = _e2(
        "news/china", "3875", 569297, bj(2020, 10, 30, 10, 26, 9),
        # The dossier cuts the real headline after the colon; the rest is written for the replica.
        "V plenum 19. kadencji KC KPCh: przyjęto propozycje do 14. planu pięcioletniego",
        (
            "W dniach 26-29 października w Pekinie obradowało V plenum Komitetu Centralnego "
            "Komunistycznej Partii Chin 19. kadencji.",
            "Uczestnicy posiedzenia wysłuchali i omówili sprawozdanie z pracy Biura Politycznego "
            "oraz przyjęli propozycje dotyczące 14. planu pięcioletniego rozwoju "
            "społeczno-gospodarczego i długofalowych celów do 2035 roku.",
            "W komunikacie podkreślono, że Chiny wkraczają w nowy etap rozwoju, w którym kluczowe "
            "znaczenie będą miały innowacje oraz rozwój skoordynowany, ekologiczny i otwarty.",
            "Plan pięcioletni zostanie przedstawiony do zatwierdzenia Ogólnochińskiemu Zgromadzeniu "
            "Przedstawicieli Ludowych w marcu przyszłego roku.",
        ),
        # Seen through the big5 gateway: the URL list gives it in that form.
        {"title": "h2", "share": "bare", "cookie": "no", "big5": "yes"},
    )
    return [ruszer, plenum]


def _e1(
    chan: str,
    url_day: datetime,
    prefix: str,
    sep: str,
    serial: int,
    published: datetime,
    headline: str,
    paragraphs: tuple[str, ...],
    knobs: dict[str, str],
    *,
    pages: int = 1,
    page_starts: tuple[int, ...] | None = None,
    subheads: frozenset[int] = frozenset(),
    captions: frozenset[int] = frozenset(),
    real: bool = True,
) -> Article:
    url = f"{CANONICAL_BASE}/{chan}/{url_day:%Y/%m/%d}/{prefix}{sep}{serial}.htm"
    images = tuple(
        (j, f"http://polish.cri.cn/mmsource/images/{url_day:%Y/%m/%d}/{serial}_{j}.jpg")
        for j in sorted(captions)
    )
    return Article(
        id=f"E1-{serial}",
        era="E1",
        url=url,
        headline=headline,
        published=published,
        paragraphs=paragraphs,
        section=chan,
        brief=make_brief(paragraphs),
        variant=knobs["body"],
        knobs=knobs,
        pages=pages,
        page_starts=page_starts or even_page_starts(len(paragraphs), pages),
        subheads=subheads,
        captions=captions,
        images=images,
        real=real,
    )


def real_e1() -> list[Article]:
    relay = _e1(
        "1364", bj(2019, 9, 30), "41", "s", 144787, bj(2019, 10, 1, 15, 27, 51),
        "Sztafeta pokoleń czyli rozwój redakcji polskiej CRI",
        (
            # page 1
            "Redakcja polska Radia Chiny Międzynarodowe rozpoczęła nadawanie audycji w 1968 roku. "
            "Od tego czasu kilka pokoleń dziennikarzy przekazuje polskim słuchaczom wiadomości z "
            "Chin.",
            "W tym roku, gdy Chińska Republika Ludowa obchodzi 70. rocznicę powstania, wspominamy "
            "ludzi, którzy tworzyli naszą redakcję.",
            "Początki",
            "Pierwsi pracownicy redakcji uczyli się języka polskiego w Pekinie i w Polsce. Audycje "
            "nadawano wówczas na falach krótkich, a listy od słuchaczy docierały do Pekinu po "
            "kilku tygodniach.",
            # page 2
            "W latach osiemdziesiątych redakcja nawiązała współpracę z polskimi rozgłośniami i "
            "klubami słuchaczy. Wielu słuchaczy przez lata regularnie przysyłało raporty odbioru.",
            "Redakcja polska w latach osiemdziesiątych",
            "Do zespołu dołączyli lektorzy z Polski, którzy pomagali w przygotowywaniu audycji i "
            "dbali o poprawność języka.",
            # page 3
            "Nowe media",
            "Na początku XXI wieku redakcja uruchomiła stronę internetową, a później konta w "
            "mediach społecznościowych. Dziś nasze materiały można czytać, słuchać i oglądać w "
            "internecie.",
            "Młodzi dziennikarze przygotowują filmy, reportaże i wywiady, a starsi koledzy dzielą "
            "się z nimi doświadczeniem.",
            # page 4 (the real URL the dossier saw: sub-heading and photo captions)
            "Sztafeta trwa",
            "Obecny zespół redakcji polskiej CRI",
            "Jak mówią dziennikarze redakcji, praca w niej to sztafeta pokoleń: każde pokolenie "
            "przekazuje następnemu pałeczkę i doświadczenie.",
            "Spotkanie z byłymi pracownikami redakcji",
            "Dziękujemy wszystkim słuchaczom i czytelnikom za lata wierności i zapraszamy do "
            "dalszego wspólnego odkrywania Chin.",
        ),
        {
            "body": "ccontent", "dateline": "runon", "editor": "Xue Yanan", "related": "inside",
            "encoding": "utf8", "pipes": "no", "breaks": "p", "footer": "full",
        },
        pages=4,
        page_starts=(0, 4, 7, 10),
        subheads=frozenset({2, 7, 10}),
        captions=frozenset({5, 11, 13}),
    )
    kazakh = _e1(
        "1461", bj(2018, 6, 8), "22", "s", 140104, bj(2018, 6, 8, 8, 43, 0),
        "Spotkanie Xi Jinping z prezydentem Kazachstanu",
        (
            "Przewodniczący ChRL Xi Jinping spotkał się w czwartek w Pekinie z prezydentem "
            "Kazachstanu Nursułtanem Nazarbajewem, który przebywa w Chinach z wizytą państwową.",
            "Xi Jinping podkreślił, że Chiny i Kazachstan są dobrymi sąsiadami i partnerami "
            "strategicznymi. Obie strony powinny pogłębiać współpracę w ramach Inicjatywy Pasa i "
            "Szlaku oraz Szanghajskiej Organizacji Współpracy.",
            "Nursułtan Nazarbajew powiedział, że Kazachstan przywiązuje dużą wagę do rozwoju "
            "stosunków z Chinami i liczy na sukces szczytu SOW w Qingdao.",
            "Po rozmowach przywódcy byli świadkami podpisania dokumentów o współpracy w dziedzinie "
            "gospodarki, handlu i energetyki.",
        ),
        {
            "body": "ccontent", "dateline": "same", "editor": "", "related": "after",
            "encoding": "cp1250", "pipes": "no", "breaks": "p", "footer": "full",
        },
    )
    dream = _e1(
        "1461", bj(2017, 9, 27), "28", "s", 137428, bj(2017, 9, 27, 11, 9, 49),
        # Mixed quotes are real: a Polish opening „ and an ASCII closing ".
        'Xi Jinping wzywa do pracy na rzecz realizacji „chińskiego marzenia"',
        (
            "Sekretarz generalny KC KPCh Xi Jinping odwiedził w Pekinie wystawę prezentującą "
            "osiągnięcia kraju w ciągu ostatnich pięciu lat.",
            'Xi Jinping wezwał do dalszej ciężkiej pracy na rzecz realizacji „chińskiego marzenia" '
            "o wielkim odrodzeniu narodu chińskiego.",
            "Wystawa prezentuje sukcesy Chin w dziedzinie gospodarki, nauki, ochrony środowiska i "
            "podnoszenia poziomu życia mieszkańców.",
        ),
        {
            "body": "text", "dateline": "same", "editor": "", "related": "inside",
            "encoding": "utf8", "pipes": "no", "breaks": "p", "footer": "short",
        },
    )
    books = _e1(
        "1364", bj(2016, 6, 15), "181", "s", 135091, bj(2016, 6, 15, 16, 46, 20),
        "Ceremonia otwarcia pierwszego Centrum Chińskich Książek odbyła się w Polsce",
        (
            "W Warszawie odbyła się ceremonia otwarcia pierwszego w Polsce Centrum Chińskich "
            "Książek.",
            "W centrum czytelnicy znajdą kilka tysięcy tytułów – literaturę piękną, książki o "
            "historii, kulturze i gospodarce Chin, a także podręczniki do nauki języka chińskiego.",
            "Uczestnicy ceremonii otwarcia Centrum Chińskich Książek",
            "Organizatorzy liczą, że placówka przyczyni się do lepszego wzajemnego poznania się "
            "Polaków i Chińczyków.",
        ),
        {
            "body": "text", "dateline": "own", "editor": "", "related": "after",
            "encoding": "utf8meta", "pipes": "no", "breaks": "p", "footer": "full",
        },
        captions=frozenset({2}),
    )
    torch = _e1(
        "141", bj(2008, 5, 8), "2", "@", 75731, bj(2008, 5, 8, 20, 13, 39),
        # The real headline is not in the dossier; this one is written for the replica.
        "Płomień olimpijski dotarł na szczyt Qomolangmy",
        (
            "W czwartek rano chińscy himalaiści wnieśli płomień olimpijski na szczyt Qomolangmy, "
            "najwyższej góry świata.",
            "Zespół wspinaczy rozwinął na wysokości 8844 metrów flagę olimpijską i flagę narodową "
            "Chin. Transmisję z wydarzenia na żywo oglądały miliony widzów.",
            "Sztafeta z ogniem olimpijskim to jeden z najważniejszych elementów przygotowań do "
            "igrzysk olimpijskich w Pekinie, które rozpoczną się 8 sierpnia.",
        ),
        {
            "body": "text", "dateline": "own", "editor": "", "related": "after",
            "encoding": "cp1250", "pipes": "yes", "breaks": "br", "footer": "short",
        },
    )
    lanterns = _e1(
        "501", bj(2013, 2, 24), "101", "s", 114938, bj(2013, 2, 24, 21, 5, 12),
        "Święto Latarni w Pekinie",
        (
            "Mieszkańcy Pekinu obchodzili w niedzielę Święto Latarni, które kończy obchody Święta "
            "Wiosny.",
            "W parkach i na ulicach miasta zawieszono tysiące kolorowych lampionów. Tradycyjnie "
            "w tym dniu je się yuanxiao – kulki z kleistego ryżu z nadzieniem.",
            "Wieczorem wiele rodzin wyszło na spacer, aby podziwiać lampiony i rozwiązywać "
            "zagadki zapisane na ich ściankach.",
        ),
        {
            "body": "ccontent", "dateline": "own", "editor": "", "related": "after",
            "encoding": "cp1250", "pipes": "no", "breaks": "p", "footer": "full",
        },
        real=False,
    )
    snake = _e1(
        "501", bj(2013, 2, 10), "101", "s", 114710, bj(2013, 2, 10, 9, 30, 0),
        "Chińczycy witają Rok Węża",
        (
            "W nocy z soboty na niedzielę Chińczycy powitali Rok Węża. O północy niebo nad "
            "chińskimi miastami rozświetliły fajerwerki.",
            "Świąteczna podróż do domów rodzinnych to największa coroczna migracja ludzi na "
            "świecie. Koleje, linie lotnicze i autobusy przewiozły w tym okresie setki milionów "
            "pasażerów.",
        ),
        {
            "body": "text", "dateline": "runon", "editor": "Wu Xiaoling", "related": "inside",
            "encoding": "utf8", "pipes": "no", "breaks": "p", "footer": "short",
        },
        real=False,
    )
    return [relay, kazakh, dream, books, torch, lanterns, snake]


@dataclass(frozen=True)
class TopicPage:
    """An E1 ``Zt`` topic page: a list of teasers, NOT an article."""

    path: str
    title: str
    teasers: tuple[tuple[str, str], ...]  # (article id, teaser text)


ZT_PAGE = TopicPage(
    ZT_PATH,
    "Święto Wiosny 2013",
    (
        ("E1-114938", "Mieszkańcy Pekinu obchodzili Święto Latarni, które kończy obchody Święta Wiosny."),
        ("E1-114710", "Chińczycy powitali Rok Węża. O północy niebo rozświetliły fajerwerki."),
    ),
)


def _e4(
    published: datetime,
    suffix: int,
    section: str,
    headline: str,
    paragraphs: tuple[str, ...],
    *,
    api: str,
    html: str,
    author: str | None = None,
    initials: str | None = None,
    video_duration: str | None = None,
    modified_after: timedelta = timedelta(0),
    subheads: frozenset[int] = frozenset(),
    captions: frozenset[int] = frozenset(),
    rough: bool = False,
    nfd: bool = False,
    entities: bool = False,
) -> Article:
    created = published - timedelta(seconds=4, milliseconds=suffix)
    article_id = e4_id(created, suffix)
    video = video_for(article_id, published, video_duration) if video_duration else None
    images = tuple((j, pic(published, f"{article_id[4:17]}_{j}")) for j in sorted(captions))
    return Article(
        id=article_id,
        era="E4",
        url=e4_url(article_id, created),
        headline=headline,
        published=published,
        modified=published + modified_after,
        paragraphs=paragraphs,
        section=section,
        author=author,
        initials=initials,
        brief=make_brief(paragraphs),
        variant=html,
        knobs={"api": api, "html": html},
        subheads=subheads,
        captions=captions,
        images=images,
        photo=pic(published, article_id[4:17]),
        video=video,
        reach="listed",
        listed_at=published,
        rough=rough,
        nfd=nfd,
        entities=entities,
    )


def e4_fixtures() -> list[Article]:
    """Invented E4 articles, one or more per variant (the dossier has no Polish E4 text)."""
    return [
        _e4(
            bj(2026, 11, 19, 9, 12, 5), 117, "wiadomosci",
            "Pociągi towarowe Chiny–Europa przekroczyły 11 tys. kursów w tym roku",
            (
                "Od początku roku pociągi towarowe na trasach Chiny–Europa wykonały ponad 11 tys. "
                "kursów – poinformowała w środę Chińska Kolej Państwowa. To o 8 proc. więcej niż w "
                "analogicznym okresie ubiegłego roku.",
                "Najwięcej składów wyruszyło z Chengdu, Chongqingu, Xi’anu i Wuhanu. Jednym z "
                "najważniejszych punktów przeładunkowych na trasie pozostają Małaszewicze na "
                "granicy polsko-białoruskiej.",
                "Pociągi przewożą przede wszystkim elektronikę, części samochodowe, odzież i "
                "maszyny, a w drodze powrotnej – żywność, kosmetyki i produkty rolne z Europy, w "
                "tym polskie jabłka i mleko w proszku.",
                "Według ekspertów kolej pozostaje atrakcyjną alternatywą dla transportu morskiego, "
                "ponieważ czas przewozu jest o połowę krótszy.",
            ),
            api="content", html="nuxt_a", author="A. L.", initials="(A. L.)",
            modified_after=timedelta(minutes=42),
        ),
        _e4(
            bj(2026, 11, 18, 15, 40, 0), 402, "Chiny",
            "Festiwal „Smaki Syczuanu” przyciągnął tłumy w Chengdu",
            (
                "W Chengdu zakończył się w niedzielę doroczny festiwal kulinarny „Smaki Syczuanu”. "
                "Przez pięć dni imprezę odwiedziło ponad 300 tys. osób.",
                "Na ponad 400 stoiskach można było spróbować m.in. pikantnego hot potu, tofu mapo i "
                "pierożków zhong. Szefowie kuchni z całego kraju prowadzili pokazy gotowania i "
                "warsztaty dla dzieci.",
                "Organizatorzy podkreślają, że festiwal jest okazją do promocji regionalnej kuchni "
                "za granicą. W tym roku po raz pierwszy wzięli w nim udział restauratorzy z Polski, "
                "Czech i Węgier.",
            ),
            api="content", html="nuxt_b", rough=True, entities=True,
        ),
        _e4(
            bj(2026, 11, 16, 11, 5, 30), 93, "gospodarka",
            "Eksport chińskich samochodów elektrycznych wzrósł o 21 proc.",
            (
                "Od stycznia do października Chiny wyeksportowały ponad 1,6 mln samochodów "
                "elektrycznych – wynika z danych Chińskiego Stowarzyszenia Producentów Samochodów.",
                "Największymi odbiorcami były kraje Europy, Azji Południowo-Wschodniej i Ameryki "
                "Łacińskiej. Rośnie także sprzedaż autobusów elektrycznych, które trafiają m.in. "
                "do polskich miast.",
                "Analitycy wskazują, że chińscy producenci coraz częściej budują fabryki za "
                "granicą, aby skrócić łańcuchy dostaw.",
            ),
            api="modules_cards", html="nuxt_c", author="M. W.", initials="(M.W.)",
        ),
        _e4(
            bj(2026, 11, 14, 18, 20, 45), 560, "kultura",
            "Wystawa porcelany z Jingdezhen otwarta w Krakowie",
            (
                "W Muzeum Narodowym w Krakowie otwarto w piątek wystawę porcelany z Jingdezhen, "
                "miasta nazywanego stolicą chińskiej porcelany. Ekspozycja obejmuje ponad 150 "
                "obiektów z ostatnich sześciu wieków.",
                "Tysiąc lat tradycji",
                "Jingdezhen słynie z wyrobu porcelany od czasów dynastii Song. Na wystawie można "
                "zobaczyć zarówno cesarskie naczynia z epoki Ming, jak i prace współczesnych "
                "artystów.",
                "Niebiesko-biała waza z epoki Ming na wystawie w Krakowie",
                "Wystawa potrwa do końca lutego. Towarzyszą jej warsztaty malowania porcelany i "
                "wykłady o historii handlu między Chinami a Europą.",
            ),
            api="modules_data", html="nuxt_a", author="J. Ż.", initials="(J.\u00a0Ż.)",
            subheads=frozenset({1}), captions=frozenset({3}),
        ),
        _e4(
            bj(2026, 11, 12, 8, 55, 0), 31, "swiat",
            "Chiny i Węgry rozszerzają współpracę w dziedzinie energii odnawialnej",
            (
                "Przedstawiciele Chin i Węgier podpisali w Budapeszcie dwanaście umów o współpracy "
                "w dziedzinie energii odnawialnej, transportu i edukacji.",
                "Strony zapowiedziały budowę nowych farm fotowoltaicznych oraz wspólnego centrum "
                "badań nad magazynowaniem energii.",
                "Węgry są jednym z głównych partnerów Chin w Europie Środkowej w ramach Inicjatywy "
                "Pasa i Szlaku.",
            ),
            api="fail0", html="nuxt_b", author="A. L.", initials="(A. L.)",
        ),
        _e4(
            bj(2026, 11, 10, 12, 0, 0), 808, "kultura/KuchniaChinska",
            "Pierożki jiaozi – przepis na święto przesilenia zimowego",
            (
                "W północnych Chinach w dniu przesilenia zimowego tradycyjnie je się pierożki "
                "jiaozi. Według ludowego powiedzenia kto ich nie zje, temu zmarzną uszy.",
                "Do przygotowania farszu potrzebne są mielona wieprzowina, kapusta pekińska, "
                "imbir, dymka, sos sojowy i odrobina oleju sezamowego.",
                "Ciasto zagniata się z mąki i wody, a następnie formuje małe krążki. Pierożki "
                "gotuje się w osolonej wodzie przez kilka minut, aż wypłyną na powierzchnię.",
            ),
            api="http500", html="nuxt_c",
        ),
        _e4(
            bj(2026, 11, 8, 10, 30, 0), 244, "wiadomosci",
            "Pekin gospodarzem międzynarodowego forum miast partnerskich",
            (
                "W Pekinie rozpoczęło się w sobotę międzynarodowe forum miast partnerskich, w "
                "którym uczestniczą przedstawiciele ponad 60 państw.",
                "Tematem tegorocznej edycji jest współpraca samorządów w dziedzinie zielonego "
                "rozwoju i cyfryzacji usług publicznych.",
                "W forum biorą udział także delegacje z Warszawy, Krakowa i Łodzi.",
            ),
            api="shell_fail", html="shell", author="K. S.", initials="(K. S.)",
        ),
        _e4(
            bj(2026, 11, 5, 16, 15, 20), 675, "Chiny",
            "Panda wielka z Chengdu obchodzi dziesiąte urodziny",
            (
                "Mieszkańcy i turyści świętowali w Chengdu dziesiąte urodziny pandy wielkiej o "
                "imieniu Qing Qing.",
                "Opiekunowie przygotowali dla niej tort z lodu, bambusa i owoców. Uroczystość była "
                "transmitowana w internecie i obejrzało ją kilka milionów widzów.",
            ),
            api="shell_empty", html="shell",
        ),
        _e4(
            bj(2026, 11, 2, 9, 45, 10), 129, "swiat",
            "Szczyt klimatyczny: Chiny zapowiadają nowe cele redukcji emisji",
            (
                "Chińska delegacja przedstawiła na szczycie klimatycznym plan dalszego "
                "ograniczania emisji gazów cieplarnianych w przemyśle ciężkim.",
                "Według zapowiedzi udział energii ze źródeł odnawialnych w krajowym miksie "
                "energetycznym ma nadal rosnąć.",
            ),
            api="shell_absent", html="shell",
        ),
        _e4(
            bj(2026, 10, 28, 19, 0, 0), 350, "vlogi",
            "Vlog: jesień nad Zachodnim Jeziorem w Hangzhou",
            (
                "Tym razem zabieramy was nad Zachodnie Jezioro w Hangzhou, jedno z najpiękniejszych "
                "miejsc w Chinach.",
                "Spacerujemy po grobli Su, odwiedzamy pagodę Leifeng i próbujemy słynnej zielonej "
                "herbaty Longjing prosto z plantacji.",
            ),
            api="content", html="nuxt_a", video_duration="208.84",
        ),
        _e4(
            bj(2025, 11, 17, 10, 2, 33), 487, "vlogi/milomiciepoznac",
            "Miło mi cię poznać: polska studentka uczy się kaligrafii w Pekinie",
            (
                "W nowym odcinku cyklu „Miło mi cię poznać” poznajemy Zuzannę, studentkę "
                "sinologii, która od roku mieszka w Pekinie.",
                "Zuzanna opowiada o pierwszych lekcjach kaligrafii, o tym, jak ważna jest "
                "cierpliwość, i o tym, czego nauczyli ją chińscy przyjaciele.",
            ),
            api="content", html="nuxt_b", author="A. L.", initials="(A. L.)",
            video_duration="312.40",
        ),
        _e4(
            bj(2025, 11, 17, 16, 40, 10), 712, "vlogi/milomiciepoznac",
            "Miło mi cię poznać: kucharz z Syczuanu otwiera restaurację w Warszawie",
            (
                "Pan Li przyjechał do Polski dziesięć lat temu. Dziś prowadzi w Warszawie "
                "restaurację, w której serwuje dania kuchni syczuańskiej.",
                "W rozmowie opowiada, jak polscy goście przekonali się do ostrych potraw i dlaczego "
                "pierogi przypominają mu chińskie jiaozi.",
            ),
            api="modules_cards", html="nuxt_c", video_duration="265.12",
        ),
        _e4(
            bj(2026, 9, 30, 13, 25, 0), 58, "gospodarka/PasISzlak",
            "Nowe połączenie kolejowe z Xi’anu do Łodzi",
            (
                "Z Xi’anu wyruszył pierwszy pociąg towarowy nowej linii do Łodzi. Skład przewozi "
                "50 kontenerów z elektroniką i częściami maszyn.",
                "Podróż ma trwać około dwóch tygodni. Operator zapowiada, że pociągi będą kursować "
                "dwa razy w tygodniu.",
                "Łódź od lat jest jednym z głównych europejskich terminali kolejowego szlaku z Chin.",
            ),
            api="content", html="nuxt_b", rough=True, nfd=True,
        ),
        _e4(
            bj(2025, 1, 8, 8, 10, 0), 905, "wiadomosci",
            "Chiny witają nowy rok rekordową liczbą podróży",
            (
                "W pierwszym tygodniu stycznia chińskie koleje przewiozły ponad 90 mln pasażerów – "
                "podało Ministerstwo Transportu.",
                "Najpopularniejszymi kierunkami były Harbin, słynący z festiwalu lodu i śniegu, "
                "oraz tropikalna wyspa Hainan.",
            ),
            api="content", html="nuxt_a",
        ),
        _e4(
            bj(2026, 6, 19, 20, 30, 0), 266, "Chiny",
            "Święto Smoczych Łodzi w całych Chinach",
            (
                "W całych Chinach obchodzono w piątek Święto Smoczych Łodzi. W wielu miastach "
                "odbyły się regaty łodzi ozdobionych smoczymi głowami.",
                "Tradycyjnie w tym dniu je się zongzi – pierożki z kleistego ryżu zawinięte w "
                "liście bambusa.",
                "Święto upamiętnia starożytnego poetę Qu Yuana i zostało wpisane na listę "
                "niematerialnego dziedzictwa kulturowego UNESCO.",
            ),
            api="content", html="nuxt_c", author="J. K. W.", initials="(J. K. W.)",
        ),
    ]


#: Cards of the home page's "Polecane" module (featured; includes migrated and video cards).
FEATURED_IDS = (SEED_ID, "ARTI6h8VBxljiKxt9R2lx3Ga221024")


def fixed_articles() -> list[Article]:
    """All fixed articles (real samples and fixtures), ground-truth objects."""
    return real_e3() + real_e2() + real_e1() + e4_fixtures()


def featured_ids(fixed: list[Article]) -> tuple[str, ...]:
    """The featured module: two migrated E3 cards, a video card and a picture article."""
    by_headline = {a.headline: a.id for a in fixed}
    return FEATURED_IDS + (
        by_headline["Vlog: jesień nad Zachodnim Jeziorem w Hangzhou"],
        by_headline["Wystawa porcelany z Jingdezhen otwarta w Krakowie"],
    )


__all__ = [
    "CHANNEL_ID",
    "HOME_PAGE_ID",
    "SECTIONS",
    "SECTION_BY_SLUG",
    "SEED_ID",
    "SEED_URL",
    "SEED_PARAGRAPHS",
    "Section",
    "TopicPage",
    "ZT_PAGE",
    "e4_id",
    "e4_url",
    "featured_ids",
    "fixed_articles",
    "pic",
    "replace",
    "video_for",
]
