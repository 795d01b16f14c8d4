"""Sentences and short paragraphs with the festivals ``discover`` must find in them.

Rows come from the seed pages and from text written for the purpose (English and Russian),
including negatives that must yield nothing. A row marked ``known_miss`` states a limit of the
discoverer: its test is an expected failure, and it counts against precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Want:
    """One festival a row must yield; dates, city and edition must match exactly."""

    name: str
    kind: str = "festival"
    starts_on: date | None = None
    ends_on: date | None = None
    city: str | None = None
    edition: int | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """A text, its publication date and what it names."""

    id: str
    body: str
    want: tuple[Want, ...] = ()
    published: date | None = date(2026, 1, 10)
    title: str = ""
    known_miss: str = ""  # why this row is beyond the discoverer, if it is


def _d(text: str) -> date:
    return date.fromisoformat(text)


# Seed texts, verbatim or nearly (seeds/*.txt).
SEED_ROWS = (
    Row(
        "seed-post-space",
        "One of the key platforms fostering these connections is the Post Space film camp in "
        "Kyrgyzstan, a space where emerging directors present their work directly to global "
        "festival decision-makers. TCA: Yulia, you’re one of the founders of Post Space, widely "
        "considered the most influential film camp in Central Asia.",
        (Want("Post Space Film Camp", "camp"),),
    ),
    Row(
        "seed-locarno-lisbon",
        "Yulia: Many. In 2024, the Locarno Film Festival invited two Kazakh directors, including "
        "Aruan Anartay, a Post Space participant. Last year, we had another Kazakh participant. "
        "The Lisbon Film Festival even curated a program specifically dedicated to Central Asian "
        "cinema. For instance, we ran a screenwriting lab, and soon several films developed "
        "during that project will be released.",
        (Want("Locarno Film Festival"), Want("Lisbon Film Festival")),
    ),
    Row(
        "seed-san-sebastian",
        "Following its premiere at the San Sebastian International Film Festival this fall, where "
        "it received a special award, the Kazakh-Spanish film La Tregua (The Truce) has been "
        "released in cinemas in Spain and Kazakhstan.",
        (Want("San Sebastian International Film Festival"),),
        title="Kazakh-Spanish Film La Tregua to Premiere on Netflix",
    ),
    Row(
        "seed-golden-panda",
        "Chengdu, famed for its pandas and fiery cuisine, takes the spotlight from September "
        "12–13 as it hosts the 2nd Golden Panda Awards, drawing filmmakers and cinephiles from "
        "around the world to celebrate storytelling in all its forms. The Golden Panda Awards "
        "use China’s favorite furry ambassador as a symbol of friendship and cross-cultural "
        "connection. Around 65 works have been shortlisted, with 27 awards to be presented "
        "across four categories: Film, TV Series, Documentary, and Animation.",
        (Want("Golden Panda Awards", "award", _d("2025-09-12"), _d("2025-09-13"), edition=2),),
        published=date(2025, 9, 1),
        title="Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards",
    ),
    Row(
        "seed-bishkek",
        "An international film festival in Kyrgyzstan this week is celebrating the past, present, "
        "and future of Central Asian cinema. The Bishkek International Film Festival features a "
        "retrospective of the work of Kyrgyz director Tolomush Okeev, whose films include The "
        "Ferocious One, The Red Apple, and The Descendant of the Snow Leopard. The June 11-15 "
        "festival also has master classes for those who really want to dig into the craft of "
        "making films. The Bishkek festival, the third edition of the event, will screen several "
        "of Okeev’s films.",
        (
            Want(
                "Bishkek International Film Festival",
                starts_on=_d("2025-06-11"),
                ends_on=_d("2025-06-15"),
                city="Bishkek",
                edition=3,
            ),
        ),
        published=date(2025, 6, 12),
        title="Kyrgyzstan: Film Festival Showcases Central Asian Talent, New and Old",
    ),
    Row(
        "seed-ecg",
        "The film Magtymguly Pyragy, a collaborative production by filmmakers from Uzbekistan and "
        "Turkmenistan, has won the “Audience Recognition” award at the Eurasian Creative Guild "
        "(ECG) Film Festival 2025 in London. Organizers of the festival noted that the film goes "
        "beyond artistic achievement. The ECG Film Festival annually gathers filmmakers from over "
        "20 countries to celebrate and promote cinema from the Eurasian region.",
        (Want("Eurasian Creative Guild Film Festival"),),
        title="Film About Turkmen Poet Wins International Award in London",
    ),
    Row(
        "seed-eurasian",
        "From May 22 to 27, the seventh Eurasian Film Festival brought a celebration of Eurasian "
        "cinema to London. Organized by Silk Road Media and the Eurasian Creative Guild (ECG), "
        "the event, held in partnership with the Romford Film Festival, showcased a range of "
        "artistic talents while fostering cultural and industry connections. This year’s "
        "festival featured submissions from 23 countries. This year’s awards spanned a range of "
        "categories. The Audience Award in this category went to Baltic Radiation.",
        (
            Want(
                "Eurasian Film Festival",
                starts_on=_d("2025-05-22"),
                ends_on=_d("2025-05-27"),
                edition=7,
            ),
            Want("Romford Film Festival"),
        ),
        published=date(2026, 2, 7),
        title="Where East Meets West: Seventh Eurasian Film Festival Celebrates Cinema in London",
    ),
    Row(
        "seed-supreme-court",
        "On May 6, the criminal trial panel of the Supreme Court of Uzbekistan considered 11 "
        "criminal cases involving 198 people who were unjustly punished by court verdicts over "
        "the period of 1930–1938. Most of them were sentenced by the Criminal Trial Committee of "
        "the Supreme Court of the Union of Soviet Socialist Republics on June 21, 1930.",
        title="Uzbekistan’s Supreme Court Vacates Convictions of 198 Victims of Stalinist "
        "Repressions",
    ),
    Row(
        "seed-karlag",
        "The story is rooted in the history of Karlag, the Karaganda labor camp that operated in "
        "Kazakhstan from 1937 to 1959. Netflix is expected to stream the film in 2026.",
    ),
)

# Written for the table: English.
ENGLISH_ROWS = (
    Row(
        "en-silk-road",
        "The Silk Road Documentary Film Festival will take place from April 3 to 8 in Samarkand.",
        (
            Want(
                "Silk Road Documentary Film Festival",
                starts_on=_d("2026-04-03"),
                ends_on=_d("2026-04-08"),
                city="Samarkand",
            ),
        ),
    ),
    Row(
        "en-next-year",
        "The Almaty Film Festival is held April 3–8.",
        (
            Want(
                "Almaty Film Festival",
                starts_on=_d("2027-04-03"),
                ends_on=_d("2027-04-08"),
                city="Almaty",
            ),
        ),
        published=date(2026, 12, 1),
    ),
    Row(
        "en-took-place",
        "The Kyrgyz Film Festival took place June 11–15 in Bishkek.",
        (
            Want(
                "Kyrgyz Film Festival",
                starts_on=_d("2026-06-11"),
                ends_on=_d("2026-06-15"),
                city="Bishkek",
            ),
        ),
        published=date(2026, 12, 1),
    ),
    Row(
        "en-shakens-stars",
        "Almaty hosts the fifth Shaken's Stars International Film Festival on 12 May.",
        (
            Want(
                "Shaken's Stars International Film Festival",
                starts_on=_d("2026-05-12"),
                ends_on=_d("2026-05-12"),
                city="Almaty",
                edition=5,
            ),
        ),
    ),
    Row(
        "en-possessive-country",
        "Kazakhstan's Eurasia International Film Festival opens on September 20 in Astana.",
        (
            Want(
                "Eurasia International Film Festival",
                starts_on=_d("2026-09-20"),
                ends_on=_d("2026-09-20"),
                city="Astana",
            ),
        ),
    ),
    Row(
        "en-wrapped-up",
        "The Didor International Film Festival wrapped up in Dushanbe, where it was held "
        "3–8 September.",
        (
            Want(
                "Didor International Film Festival",
                starts_on=_d("2026-09-03"),
                ends_on=_d("2026-09-08"),
                city="Dushanbe",
            ),
        ),
        published=date(2026, 10, 1),
    ),
    Row(
        "en-across-new-year",
        "The Ashgabat Film Festival runs from December 28 to January 3.",
        (
            Want(
                "Ashgabat Film Festival",
                starts_on=_d("2026-12-28"),
                ends_on=_d("2027-01-03"),
                city="Ashgabat",
            ),
        ),
        published=date(2026, 12, 1),
    ),
    Row(
        "en-film-lab-explicit-year",
        "Submissions are open for the Bukhara Film Lab, which runs from 3 to 8 April 2027 in "
        "the old town.",
        (Want("Bukhara Film Lab", "lab", _d("2027-04-03"), _d("2027-04-08"), "Bukhara"),),
    ),
    Row(
        "en-also-known-as",
        "The Central Asian Film Awards, also known as the Kumbez Awards, will be presented on "
        "12 May in Astana.",
        (
            Want(
                "Central Asian Film Awards", "award", _d("2026-05-12"), _d("2026-05-12"), "Astana"
            ),
        ),
    ),
    Row(
        "en-acronym",
        "The Bishkek International Film Festival (BIFF) opens June 11–15.",
        (
            Want(
                "Bishkek International Film Festival",
                starts_on=_d("2026-06-11"),
                ends_on=_d("2026-06-15"),
                city="Bishkek",
            ),
        ),
    ),
    Row(
        "en-parenthesised-alias",
        "The Eurasian Film Festival (ECG Film Festival) runs June 28 - July 3 in London.",
        (Want("Eurasian Film Festival", starts_on=_d("2026-06-28"), ends_on=_d("2026-07-03")),),
    ),
    Row(
        "en-festival-of",
        "The Festival of Turkic-speaking Countries' Cinema opens 3–8 April in Dushanbe.",
        (
            Want(
                "Festival of Turkic-speaking Countries' Cinema",
                starts_on=_d("2026-04-03"),
                ends_on=_d("2026-04-08"),
                city="Dushanbe",
            ),
        ),
    ),
    Row(
        "en-two-in-a-sentence",
        "After screening at the Locarno Film Festival, the film will compete at the Astana Film "
        "Festival from September 20 to 25.",
        (
            Want("Locarno Film Festival"),
            Want(
                "Astana Film Festival",
                starts_on=_d("2026-09-20"),
                ends_on=_d("2026-09-25"),
                city="Astana",
            ),
        ),
    ),
    Row(
        "en-paragraph-anaphora",
        "The Samarkand International Film Festival announced its line-up on Monday. The festival "
        "will be held from 3 to 8 October in the old city.",
        (
            Want(
                "Samarkand International Film Festival",
                starts_on=_d("2026-10-03"),
                ends_on=_d("2026-10-08"),
                city="Samarkand",
            ),
        ),
    ),
    Row(
        "en-no-anaphora-single-date",
        "The Tashkent Film Festival selected the film. It premiered on May 5 in Cannes.",
        (Want("Tashkent Film Festival", city="Tashkent"),),
    ),
    Row(
        "en-deadline",
        "Applications for the Osh Film Camp close on March 1; the camp itself runs July 10–15.",
        (Want("Osh Film Camp", "camp", _d("2026-07-10"), _d("2026-07-15"), "Osh"),),
        published=date(2026, 1, 15),
    ),
    Row(
        "en-ordinal-digits-past",
        "The 7th Khujand Film Festival took place from 3 to 8 April.",
        (
            Want(
                "Khujand Film Festival",
                starts_on=_d("2026-04-03"),
                ends_on=_d("2026-04-08"),
                city="Khujand",
                edition=7,
            ),
        ),
        published=date(2026, 12, 1),
    ),
    Row(
        "en-title-and-body",
        "The Cholpon-Ata Film Camp will gather young directors on the shore of Issyk-Kul from "
        "August 3 to 10.",
        (
            Want(
                "Cholpon-Ata Film Camp", "camp", _d("2026-08-03"), _d("2026-08-10"), "Cholpon-Ata"
            ),
        ),
        title="Cholpon-Ata Film Camp Returns",
    ),
    Row(
        "en-person-award",
        "Young directors will compete for the Tolomush Okeev Awards in Bishkek on 12 May.",
        (Want("Tolomush Okeev Awards", "award", _d("2026-05-12"), _d("2026-05-12"), "Bishkek"),),
    ),
    Row(
        "en-similar-but-different",
        "The Eurasian Film Festival and the Eurasian Creative Guild Film Festival are different "
        "events.",
        (Want("Eurasian Film Festival"), Want("Eurasian Creative Guild Film Festival")),
    ),
    Row(
        "en-short-and-long-name",
        "The Bishkek International Film Festival opens on June 11. Critics call the Bishkek Film "
        "Festival the best in the region.",
        (
            Want(
                "Bishkek International Film Festival",
                starts_on=_d("2026-06-11"),
                ends_on=_d("2026-06-11"),
                city="Bishkek",
            ),
        ),
    ),
    Row(
        "en-headline-verb",
        "",
        (Want("Golden Panda Awards", "award"),),
        title="Kazakh Film Wins Golden Panda Awards",
    ),
    Row(
        "en-sentence-start",
        "Following the Astana International Film Festival, the jury met in Almaty.",
        (Want("Astana International Film Festival", city="Astana"),),
    ),
    Row(
        "en-roman-edition",
        "The XVII Eurasia Film Festival wrapped up in Almaty on 12 May.",
        (
            Want(
                "Eurasia Film Festival",
                starts_on=_d("2026-05-12"),
                ends_on=_d("2026-05-12"),
                city="Almaty",
                edition=17,
            ),
        ),
        published=date(2026, 6, 1),
    ),
    Row(
        "en-respectively",
        "The Astana Film Festival and the Dushanbe Film Festival run April 3–8 and May 5–9 "
        "respectively.",
        (
            Want(
                "Astana Film Festival",
                starts_on=_d("2026-04-03"),
                ends_on=_d("2026-04-08"),
                city="Astana",
            ),
            Want(
                "Dushanbe Film Festival",
                starts_on=_d("2026-05-05"),
                ends_on=_d("2026-05-09"),
                city="Dushanbe",
            ),
        ),
        known_miss="'respectively' pairs dates with names by order; both go to the nearest name",
    ),
    Row(
        "en-unknown-headline-verb",
        "",
        (Want("Golden Panda Awards", "award"),),
        title="Kazakh Director Tops Golden Panda Awards",
        known_miss="a Title Case headline verb outside the list runs into the name",
    ),
)

# Written for the table: Russian.
RUSSIAN_ROWS = (
    Row(
        "ru-quoted",
        "Кинофестиваль «Евразия» пройдёт в Алматы с 3 по 8 апреля.",
        (
            Want(
                "Кинофестиваль «Евразия»",
                starts_on=_d("2026-04-03"),
                ends_on=_d("2026-04-08"),
                city="Almaty",
            ),
        ),
    ),
    Row(
        "ru-tashkent-full",
        "XVII Ташкентский международный кинофестиваль «Жемчужина Шёлкового пути» прошёл в "
        "Ташкенте с 28 июня по 3 июля 2026 года.",
        (
            Want(
                "Ташкентский международный кинофестиваль «Жемчужина Шёлкового пути»",
                starts_on=_d("2026-06-28"),
                ends_on=_d("2026-07-03"),
                city="Tashkent",
                edition=17,
            ),
        ),
        published=date(2026, 8, 1),
    ),
    Row(
        "ru-award",
        "Лауреатом премии «Ника» стал фильм «Ученик».",
        (Want("Премия «Ника»", "award"),),
    ),
    Row(
        "ru-genre-past",
        "В Бишкеке завершился фестиваль тюркоязычного кино, который проходил 3–8 апреля.",
        (
            Want(
                "Фестиваль тюркоязычного кино",
                starts_on=_d("2026-04-03"),
                ends_on=_d("2026-04-08"),
                city="Bishkek",
            ),
        ),
        published=date(2026, 6, 1),
    ),
    Row(
        "ru-samarkand-case",
        "Международный кинофестиваль «Восток» состоится в Самарканде 12–16 мая.",
        (
            Want(
                "Международный кинофестиваль «Восток»",
                starts_on=_d("2026-05-12"),
                ends_on=_d("2026-05-16"),
                city="Samarkand",
            ),
        ),
        published=date(2026, 2, 1),
    ),
    Row(
        "ru-merge-forms",
        "На кинофестивале «Восток» показали 40 фильмов. Международный кинофестиваль «Восток» "
        "прошёл в Самарканде.",
        (Want("Международный кинофестиваль «Восток»", city="Samarkand"),),
    ),
    Row(
        "ru-ordinal-word",
        "Седьмой кинофестиваль «Арт-Кино» открылся в Душанбе.",
        (Want("Кинофестиваль «Арт-Кино»", city="Dushanbe", edition=7),),
    ),
    Row(
        "ru-astana-case",
        "Премия «Тулпар» будет вручена в Астане 12 декабря.",
        (Want("Премия «Тулпар»", "award", _d("2026-12-12"), _d("2026-12-12"), "Astana"),),
        published=date(2026, 11, 1),
    ),
    Row(
        "ru-past-before-published",
        "Фестиваль «Бастау» прошёл в Ашхабаде с 28 ноября по 2 декабря.",
        (
            Want(
                "Фестиваль «Бастау»",
                starts_on=_d("2025-11-28"),
                ends_on=_d("2025-12-02"),
                city="Ashgabat",
            ),
        ),
        published=date(2026, 3, 1),
    ),
    Row(
        "ru-adjective-no-quotes",
        "Бишкекский кинофестиваль пройдёт с 11 по 15 июня.",
        (
            Want(
                "Бишкекский кинофестиваль",
                starts_on=_d("2026-06-11"),
                ends_on=_d("2026-06-15"),
                city="Bishkek",
            ),
        ),
    ),
)

# Text that names no festival, award, camp or lab.
NEGATIVE_ROWS = (
    Row("neg-at-the", "At the Film Festival, the jury praised the film."),
    Row("neg-this-years", "This Year's Film Festival was the best yet."),
    Row("neg-our", "Our Film Festival welcomes everyone from April 3 to 8."),
    Row("neg-best", "Best Film Festival entries came from Kazakhstan."),
    Row("neg-awards-alone", "The Oscar-nominated director skipped the Awards this year."),
    Row(
        "neg-lowercase",
        "An international film festival in Kyrgyzstan this week is celebrating Central Asian "
        "cinema, according to the film festival.",
    ),
    Row(
        "neg-categories",
        "This year’s awards spanned a range of categories, and the Audience Award went to "
        "Baltic Radiation.",
    ),
    Row(
        "neg-labs-and-camps",
        "We ran a screenwriting lab, and the labor camp operated in Kazakhstan from 1937 to 1959.",
    ),
    Row("neg-ru-bare", "Фестиваль прошёл в Бишкеке с 3 по 8 апреля."),
    Row("neg-ru-generic-genre", "На фестивале документального кино показали 40 фильмов."),
    Row(
        "neg-generic-only",
        "The International Film Festival and the Documentary Film Festival drew crowds.",
    ),
    Row(
        "neg-weak-only",
        "The Bishkek festival, the third edition of the event, will screen several films.",
    ),
    Row("neg-headline", "", title="Bishkek Prepares Film Festival for June"),
)

ROWS = SEED_ROWS + ENGLISH_ROWS + RUSSIAN_ROWS + NEGATIVE_ROWS
