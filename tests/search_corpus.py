"""A fixed corpus for the relevance table: seed-like English articles, Russian ones, a few in
Kazakh and Uzbek Latin, and mixed ones. Stored in this order (oldest first), one a day.

Each article has a short key that the relevance table (tests/relevance_table.py) names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

FIRST_DAY = date(2026, 1, 1)


@dataclass(frozen=True, slots=True)
class Doc:
    """One article of the corpus."""

    key: str
    title: str
    body: str


CORPUS: tuple[Doc, ...] = (
    Doc(
        "eurasian",
        "Where East Meets West: Seventh Eurasian Film Festival Celebrates Cinema in London",
        "From May 22 to 27, the seventh Eurasian Film Festival brought a celebration of Eurasian "
        "cinema to London. Organized by Silk Road Media, it screened films from Kazakhstan, "
        "Kyrgyzstan and Uzbekistan.",
    ),
    Doc(
        "magtymguly",
        "Film About Turkmen Poet Wins International Award in London",
        "The film Magtymguly Pyragy, a collaborative production by filmmakers from Uzbekistan "
        "and Turkmenistan, has won the Audience Recognition award at a London festival.",
    ),
    Doc(
        "bishkek",
        "Kyrgyzstan: Film Festival Showcases Central Asian Talent, New and Old",
        "An international film festival in Kyrgyzstan this week is celebrating the past, present "
        "and future of Central Asian cinema. The Bishkek International Film Festival opened with "
        "a restored Soviet classic.",
    ),
    Doc(
        "panda",
        "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards",
        "Chengdu, famed for its pandas and fiery cuisine, hosts the 2nd Golden Panda Awards, "
        "drawing filmmakers from across the world. A Kazakh historical drama is nominated.",
    ),
    Doc(
        "tregua",
        "Kazakh-Spanish Film La Tregua to Premiere on Netflix",
        "Following its premiere at the San Sebastián International Film Festival this fall, "
        "where it received a special award, the Kazakh-Spanish film La Tregua comes to Netflix.",
    ),
    Doc(
        "yulia",
        "Kazakh Producer Yulia Kim: We Are Closing the Gap Between Central Asia and World Cinema",
        "Central Asia is increasingly recognized as a bright new spot on the global cinema map. "
        "Films by regional directors are now regularly featured in competitions abroad.",
    ),
    Doc(
        "court",
        "Uzbekistan's Supreme Court Vacates Convictions of 198 Victims of Stalinist Repressions",
        "The criminal trial panel of the Supreme Court of Uzbekistan considered 11 criminal "
        "cases involving 198 people who were unjustly punished in the 1930s.",
    ),
    Doc(
        "aral",
        "Almaty Hosts the Premiere of a Documentary About the Aral Sea",
        "A new documentary about the shrinking Aral Sea had its premiere in Almaty on Friday. "
        "The director spent six years filming fishermen and their families.",
    ),
    Doc(
        "didor",
        "Didor International Film Festival Opens in Dushanbe",
        "The Didor festival in Dushanbe welcomes guests from twenty countries. Tajik directors "
        "present three new feature films in the main competition.",
    ),
    Doc(
        "tashkent",
        "Tashkent International Film Festival Returns After a Decade",
        "The Tashkent festival, once the largest in the region, comes back this autumn with a "
        "competition of films from Asia, Africa and Latin America.",
    ),
    Doc(
        "astana-hall",
        "New Cinema Hall Opens in Astana",
        "A twelve-screen cinema opened in Astana, the largest in Kazakhstan. Its owners plan "
        "retrospectives of Kazakh classics.",
    ),
    Doc(
        "leopard",
        "Documentary About Snow Leopards of the Tian Shan Wins Jury Prize",
        "Filmed over three winters in the mountains of Kyrgyzstan, the documentary follows a "
        "snow leopard and her cubs. The jury praised its patience.",
    ),
    Doc(
        "animators",
        "Uzbek Animators Present Short Animated Films",
        "Young animators from Tashkent and Samarkand showed twelve short animated films based "
        "on folk tales at a workshop.",
    ),
    Doc(
        "festivals-summer",
        "Three Festivals to Watch This Summer in Central Asia",
        "From Bishkek to Almaty, festivals fill the summer calendar. We picked three that "
        "reward the trip.",
    ),
    Doc(
        "masterclass",
        "Young Directors From Tajikistan Attend a Master Class",
        "Twenty young directors from Tajikistan attended a master class on screenwriting led by "
        "a veteran of Soviet cinema in Khujand.",
    ),
    Doc(
        "samarkand",
        "Samarkand Stages the Silk Road Film Forum",
        "Producers, distributors and directors met in Samarkand for three days of pitches and "
        "panels on co-production along the Silk Road.",
    ),
    Doc(
        "ashgabat",
        "Ashgabat Film Week Celebrates Turkmen Cinema",
        "The film week in Ashgabat showed restored Turkmen classics and new documentaries.",
    ),
    Doc(
        "nomads",
        "An Epic About Nomads Screens at the Berlinale",
        "The Kyrgyz epic follows a family of nomads and their horses across the Tian Shan.",
    ),
    Doc(
        "box-office",
        "Kazakhstan Box Office Hits a Record",
        "Cinemas in Kazakhstan sold more tickets than ever last year, led by local comedies.",
    ),
    Doc(
        "ru-bishkek",
        "В Бишкеке открылся международный кинофестиваль",
        "В столице Кыргызстана начался фестиваль, который собрал режиссёров из двенадцати "
        "стран. Открыл программу фильм о кочевниках.",
    ),
    Doc(
        "ru-festivals",
        "Фестивали Центральной Азии готовятся к новому сезону",
        "Организаторы фестивалей в Казахстане и Узбекистане объявили даты. Заявки принимают "
        "до конца марта.",
    ),
    Doc(
        "ru-almaty",
        "Премьера нового фильма прошла в Алматы",
        "Зрители в Алматы первыми увидели картину о жизни в степи. Режиссёр представил фильм "
        "лично.",
    ),
    Doc(
        "ru-dushanbe",
        "Таджикские режиссёры покажут фильмы в Душанбе",
        "В Душанбе пройдёт неделя таджикского кино: двенадцать фильмов молодых режиссёров.",
    ),
    Doc(
        "ru-panda",
        "Казахстанская картина получила приз «Золотая панда»",
        "Фильм о истории степи получил награду в Чэнду. Жюри отметило работу оператора.",
    ),
    Doc(
        "ru-leopard",
        "Снежный барс стал героем документального фильма",
        "Съёмки в горах Тянь-Шаня шли три зимы. Фильм покажут на фестивалях в Европе.",
    ),
    Doc(
        "ru-tashkent",
        "Ташкентский кинофестиваль объявил программу",
        "В программе фестиваля в Ташкенте сорок фильмов из тридцати стран.",
    ),
    Doc(
        "ru-astana",
        "В Астане построят новый кинотеатр",
        "Кинотеатр на двенадцать залов откроется в Астане к осени.",
    ),
    Doc(
        "ru-children",
        "Детские фильмы покажут бесплатно",
        "Во время каникул кинотеатры покажут детские фильмы бесплатно для школьников.",
    ),
    Doc(
        "ru-interview",
        "Режиссёр рассказала о съёмках в горах",
        "Молодой режиссёр рассказала, как снимала картину о пастухах высоко в горах.",
    ),
    Doc(
        "ru-uzbek",
        "Узбекское кино возвращается в прокат",
        "Кинотеатры Узбекистана снова показывают узбекские фильмы. Прокатчики довольны.",
    ),
    Doc(
        "kk-almaty",
        "Алматыда қазақ киносының апталығы өтеді",
        "Қазақстанның жас режиссерлері жаңа фильмдерін көрсетеді.",
    ),
    Doc(
        "uz-toshkent",
        "Toshkent xalqaro kinofestivali oʻz dasturini eʼlon qildi",
        "Oʻzbekiston kinosi festivalda keng namoyish etiladi.",
    ),
    Doc(
        "mixed",
        "Bishkek Film Days: программа на неделю",
        "Bishkek Film Days покажут фильмы из Кыргызстана и Казахстана, with English subtitles.",
    ),
    Doc(
        "pandemic",
        "How the Pandemic Changed Cinema Going in Almaty",
        "Cinemas in Almaty lost half their audience during the pandemic and are winning it back.",
    ),
    Doc(
        "festival-guide",
        "A Festival Guide for First-Time Visitors",
        "What to pack for a festival in the mountains, and how to get tickets for the opening.",
    ),
    Doc(
        "kyrgyz-cinema",
        "Kyrgyz Cinema Abroad: A Decade of Festival Prizes",
        "Kyrgyz films have won prizes at festivals in Busan, Berlin and Karlovy Vary.",
    ),
)


def published(position: int) -> date:
    """The page date of the ``position``-th article of the corpus (0-based): one a day."""
    return FIRST_DAY + timedelta(days=position)
