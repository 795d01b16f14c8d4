"""Hand-labelled film-news articles with the countries and topics an editor would tag them with.

Sources: ``seeds/*.txt`` (excerpts, kept verbatim), the shared fixture feeds, and articles
written for this table in English and Russian (people and film titles in those are invented).
Countries follow the product rule "any mention of one of the five counts"; topics are what the
article is *about*, not every word it contains. Labels were written before the rules were tuned.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.newsroom.tags import Country, Topic

KZ, KG, UZ, TJ, TM, OTHER = (
    Country.KZ,
    Country.KG,
    Country.UZ,
    Country.TJ,
    Country.TM,
    Country.OTHER,
)
FEST, REL, PROD, PEOPLE, HERIT = (
    Topic.FESTIVALS,
    Topic.RELEASES,
    Topic.PRODUCTION,
    Topic.PEOPLE,
    Topic.HERITAGE,
)


@dataclass(frozen=True, slots=True)
class Case:
    """One article and the tags a careful editor gives it."""

    source: str
    title: str
    body: str
    countries: frozenset[Country]
    topics: frozenset[Topic]
    categories: tuple[str, ...] = ()


def case(
    source: str,
    title: str,
    body: str,
    countries: set[Country],
    topics: set[Topic],
    categories: tuple[str, ...] = (),
) -> Case:
    """Build a case from plain sets (keeps the table below short)."""
    return Case(source, title, body, frozenset(countries), frozenset(topics), categories)


TABLE: tuple[Case, ...] = (
    # --- seeds/*.txt (excerpts) ------------------------------------------------------------
    case(
        "seed",
        "Kazakh Producer Yulia Kim: “We Are Closing the Gap Between Central Asia and World "
        "Cinema”",
        "Central Asia is increasingly being recognized as a bright new spot on the global cinema "
        "map. Films by regional directors are now regularly featured in major festival programs, "
        "and international curators are paying closer attention to the area’s filmmaking "
        "talent. One of the key platforms fostering these connections is the Post Space film "
        "camp in Kyrgyzstan, a space where emerging directors present their work directly to "
        "global festival decision-makers. The Times of Central Asia spoke with Post Space "
        "co-founder and Kazakh producer Yulia Kim about how this format works, why bridging the "
        "gap between the region and the global film industry is vital, and how campfire songs "
        "can forge creative collaborations. TCA: Yulia, you’re one of the founders of Post "
        "Space, widely considered the most influential film camp in Central Asia. You’ve been "
        "organizing it for four years now. Has it yielded results? Yulia: Many. In 2024, the "
        "Locarno Film Festival invited two Kazakh directors, including Aruan Anartay, a Post "
        "Space participant. Last year, we had another Kazakh participant. The Lisbon Film "
        "Festival even curated a program specifically dedicated to Central Asian cinema.",
        {KZ, KG},
        {PEOPLE, PROD},
    ),
    case(
        "seed",
        "Kazakh-Spanish Film La Tregua to Premiere on Netflix",
        "Following its premiere at the San Sebastian International Film Festival this fall, "
        "where it received a special award, the Kazakh-Spanish film La Tregua (The Truce) has "
        "been released in cinemas in Spain and Kazakhstan. It is now set to become the first "
        "Spanish-language film featuring Kazakhstan to appear on Netflix. Netflix is expected "
        "to stream the film in 2026. Distribution discussions are also underway for theatrical "
        "releases in Mexico and other Spanish-speaking countries in Latin America.",
        {KZ},
        {REL},
    ),
    case(
        "seed",
        "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards",
        "Chengdu, famed for its pandas and fiery cuisine, takes the spotlight from September "
        "12–13 as it hosts the 2nd Golden Panda Awards, drawing filmmakers and cinephiles from "
        "around the world to celebrate storytelling in all its forms. Around 65 works have been "
        "shortlisted, with 27 awards to be presented across four categories. One of the "
        "standout contenders this year is Qash (Run), nominated for Best Actor in a Leading "
        "Role, Best Actor in a Supporting Role, Best Cinematography, and Best Original Score. "
        "Starring Yerkebulan Daiyrov and Ondassyn Bessikbassov, the Kazakh film is set against "
        "the backdrop of the mass famine of 1931–1933.",
        {KZ},
        {FEST},
    ),
    case(
        "seed",
        "Kyrgyzstan: Film Festival Showcases Central Asian Talent, New and Old",
        "An international film festival in Kyrgyzstan this week is celebrating the past, "
        "present, and future of Central Asian cinema. The Bishkek International Film Festival "
        "features a retrospective of the work of Kyrgyz director Tolomush Okeev, whose films "
        "include The Ferocious One, The Red Apple, and The Descendant of the Snow Leopard; a "
        "presentation of ten film projects by emerging directors in Central Asia; and a "
        "competition among nine films whose directors are from Kyrgyzstan, Kazakhstan, "
        "Uzbekistan, and Tajikistan.",
        {KG, KZ, UZ, TJ},
        {FEST, HERIT},
    ),
    case(
        "seed",
        "Film About Turkmen Poet Wins International Award in London",
        "The film Magtymguly Pyragy, a collaborative production by filmmakers from Uzbekistan "
        "and Turkmenistan, has won the “Audience Recognition” award at the Eurasian Creative "
        "Guild (ECG) Film Festival 2025 in London. The movie tells the story of Magtymguly "
        "Pyragy, an 18th-century Turkmen poet and philosopher, focusing on his ideals of peace, "
        "love for the homeland, and aspirations for national awakening. Viewers and jury "
        "members commended the film for its compelling visuals.",
        {TM, UZ},
        {FEST},
    ),
    case(
        "seed",
        "Where East Meets West: Seventh Eurasian Film Festival Celebrates Cinema in London",
        "From May 22 to 27, the seventh Eurasian Film Festival brought a celebration of "
        "Eurasian cinema to London. In the feature film category, Where The White Cranes Dance "
        "(Russia) and Aydillar (Uzbekistan) shared the top honor, with Magtymguly Pyragy "
        "(Turkmenistan/Uzbekistan) taking the Audience Award. Kazakhstan made a strong showing "
        "in the Short Films category, with Poncha by Kaisha Rakhimova taking first place. "
        "Several screenplays also received special jury mentions, including Daddy Arrived by "
        "Almaz Kossobaev (Kyrgyzstan).",
        {UZ, TM, KZ, KG},
        {FEST},
    ),
    case(
        "seed",
        "Uzbekistan’s Supreme Court Vacates Convictions of 198 Victims of Stalinist Repressions",
        "On May 6, the criminal trial panel of the Supreme Court of Uzbekistan considered 11 "
        "criminal cases involving 198 people who were unjustly punished by court verdicts over "
        "the period of 1930–1938. After the approval of that “road map” for clearing the names "
        "of the victims of repression, officials were given the opportunity to use the "
        "departmental archives of ministries and agencies. The working group identified 1,031 "
        "people who were repressed during the Soviet-era.",
        {UZ},
        set(),
    ),
    # --- /work/shared/fixtures/feeds -------------------------------------------------------
    case(
        "feed",
        "Almaty <Short Film> Week announces its jury",
        "Five critics from three countries will judge 38 shorts.",
        {KZ},
        {FEST},
    ),
    case(
        "feed",
        "Dushanbe cinema reopens after restoration",
        "The Soviet-era Vatan cinema reopened with a programme of restored Tajik classics.",
        {TJ},
        {HERIT},
    ),
    case(
        "feed",
        "Kyrgyz Film “Black, Red, Yellow” Wins at Busan & Heads to Berlin",
        "A drama by a young Kyrgyz director took the top prize in Busan’s New Currents section "
        "on Friday. The film will screen next at the Berlinale in its Generation section.",
        {KG},
        {FEST},
        ("Culture", "Kyrgyzstan", "cinema"),
    ),
    case(
        "feed",
        "В Ташкенте открылся кинофестиваль «Шёлковый путь»",
        "Фестиваль продлится до 18 февраля и покажет 40 фильмов из 12 стран…",
        {UZ},
        {FEST},
        ("Uzbekistan",),
    ),
    case(
        "feed",
        "Kazakh Producer Yulia Kim: “We Are Closing the Gap Between Central Asia and World "
        "Cinema”",
        "Central Asia is increasingly being recognized as a bright new spot on the global cinema "
        "map…",
        {KZ},
        {PEOPLE},
        ("Kazakhstan",),
    ),
    # --- written for this table: English ---------------------------------------------------
    case(
        "en",
        "Kazakhfilm to restore Soviet-era classics from its archive",
        "The Almaty studio has begun scanning the original negatives of 30 films made between "
        "1955 and 1985, starting with a 1966 comedy by Shaken Aimanov. The restored copies "
        "will open a retrospective in Astana in the spring.",
        {KZ},
        {HERIT},
    ),
    case(
        "en",
        "Uzbek box office hits a record as local comedies fill cinemas",
        "Cinemas in Tashkent, Samarkand and Fergana sold 4.1 million tickets last year, "
        "according to the national cinematography agency. Local comedies took more than half "
        "of the takings for the first time.",
        {UZ},
        {REL},
    ),
    case(
        "en",
        "Tajik director starts shooting his second feature in Khujand",
        "Filming of “The Quiet River” by Farrukh Saidov began this week in Khujand and will "
        "move to the Pamir mountains in July. The project received a grant from the Hubert "
        "Bals Fund and is co-produced with a German company.",
        {TJ},
        {PROD},
    ),
    case(
        "en",
        "Turkmenfilm sends three new features to Ashgabat cinemas",
        "The state studio Oguzhan Turkmenfilm will release three new features this month, "
        "including a historical drama about the Akhal-Teke horse. Screenings start on Friday "
        "in Ashgabat and Turkmenabat.",
        {TM},
        {REL},
    ),
    case(
        "en",
        "Director Mary Collins to chair the Berlinale Shorts jury",
        "The British documentary maker will lead a three-member jury that hands out the Golden "
        "Bear for short film. The festival runs from 12 to 22 February.",
        {OTHER},
        {FEST},
    ),
    case(
        "en",
        "Mary Kessler's documentary about Kyrgyz herders enters post-production",
        "The American filmmaker spent two summers filming with shepherds near Naryn and on the "
        "shores of Issyk-Kul. “Mary wanted the real migration, not a staged one,” her editor "
        "said.",
        {KG},
        {PROD},
    ),
    case(
        "en",
        "Kyrgyz actress Aizhan Tokonova: “I learned to ride for this role”",
        "In an interview, the star of the historical drama “The Horsewoman” talks about "
        "training in the mountains near Osh and about her next role, in a Kazakh "
        "co-production.",
        {KG, KZ},
        {PEOPLE},
    ),
    case(
        "en",
        "Veteran Tajik cameraman Davron Rahimov dies at 81",
        "Rahimov shot more than forty films at Tajikfilm in Dushanbe, among them several "
        "classics of the 1970s. Colleagues remembered him as a patient teacher.",
        {TJ},
        {PEOPLE},
    ),
    case(
        "en",
        "Kazakhstan's cinema fund backs 12 debut features",
        "The State Centre for Support of National Cinema announced grants for twelve first "
        "features, with budgets of up to 300 million tenge each. Shooting must start before "
        "the end of the year.",
        {KZ},
        {PROD},
    ),
    case(
        "en",
        "Turkmen and Uzbek studios agree to co-produce a film about Khiva",
        "The joint project will be filmed in Khiva and near Ashgabat next year, with the budget "
        "shared equally between the two state studios.",
        {TM, UZ},
        {PROD},
    ),
    case(
        "en",
        "Korean thriller tops the South Korean box office for a third week",
        "“The Harbour” earned 4 billion won over the weekend, bringing its total to 2.1 million "
        "admissions.",
        {OTHER},
        {REL},
    ),
    case(
        "en",
        "Cannes unveils its competition line-up",
        "Twenty-one films will compete for the Palme d'Or, including new work by directors from "
        "France, Iran and Japan. The festival opens on 13 May.",
        {OTHER},
        {FEST},
    ),
    case(
        "en",
        "Kyrgyz classic “The Shepherd's Song” returns in a 4K restoration",
        "The 1972 film, shot at Kyrgyzfilm in Frunze, has been restored from the original "
        "negative with support from a Swiss foundation. It will be shown at the Bishkek film "
        "museum in March.",
        {KG},
        {HERIT},
    ),
    case(
        "en",
        "Uzbek actor Bakhrom Aliev celebrates his 70th birthday",
        "The star of dozens of Uzbekfilm comedies marked the day at a gala screening in "
        "Tashkent, where colleagues recalled his early roles.",
        {UZ},
        {PEOPLE},
    ),
    case(
        "en",
        "Almaty's Arman cinema to close after 50 years",
        "The Soviet-era cinema in central Almaty will show its last film on Sunday. The "
        "building will be turned into a shopping centre, the city administration said.",
        {KZ},
        {HERIT},
    ),
    case(
        "en",
        "“Steppe Wind” premieres in Astana ahead of nationwide release",
        "The action drama by Daniyar Seitkali opened at a multiplex on Thursday and reaches "
        "cinemas across Kazakhstan next week. Tickets for the first weekend have sold out in "
        "Shymkent and Karaganda.",
        {KZ},
        {REL},
    ),
    case(
        "en",
        "US studio buys remake rights to a Kazakh thriller",
        "A Los Angeles company has acquired remake rights to “Black Steppe”, a thriller that "
        "became a streaming hit last year. The English-language version will be shot in Canada "
        "with a budget of 25 million dollars.",
        {KZ},
        {PROD},
    ),
    case(
        "en",
        "Lost Georgian silent film restored by the BFI",
        "The BFI National Archive has completed the restoration of a 1928 Georgian silent film "
        "thought lost for decades. It will screen at the London Film Festival in October.",
        {OTHER},
        {HERIT},
    ),
    case(
        "en",
        "French actress Claire Dubois dies at 92",
        "Dubois appeared in more than 80 films and won a César in 1979. Her family said she "
        "died peacefully in Paris.",
        {OTHER},
        {PEOPLE},
    ),
    case(
        "en",
        "Streaming service to film a historical series in Mongolia",
        "Shooting of the eight-episode drama will begin near Ulaanbaatar in June, with a budget "
        "reported at 40 million dollars.",
        {OTHER},
        {PROD},
    ),
    case(
        "en",
        "Osh hosts its first children's film festival",
        "Over four days, schools in Osh will show 25 films for young audiences, and a "
        "children's jury will pick the winner.",
        {KG},
        {FEST},
    ),
    case(
        "en",
        "Interview: Uzbek director Zulfiya Karimova on filming in Karakalpakstan",
        "Karimova told us why she spent a year in Nukus and on the dried bed of the Aral Sea "
        "before shooting her documentary about the last fishermen of Muynak.",
        {UZ},
        {PEOPLE, PROD},
    ),
    case(
        "en",
        "Turkmen film about the Akhal-Teke horse nominated for an Asia Pacific Screen Award",
        "The documentary, shot near Ashgabat and in the Mary region, is one of five nominees in "
        "the documentary category.",
        {TM},
        {FEST},
    ),
    case(
        "en",
        "Tajikistan's first animated feature gets a release date",
        "“The Snow Leopard Cub”, made by a small studio in Dushanbe, will open in cinemas on "
        "1 June, Children's Day.",
        {TJ},
        {REL},
    ),
    case(
        "en",
        "Didor film festival returns to Dushanbe in October",
        "The Didor International Film Festival will run from 4 to 8 October, organisers said, "
        "with a competition for films from Central Asia and Iran.",
        {TJ},
        {FEST},
    ),
    case(
        "en",
        "Issyk-Kul film lab invites scripts from young screenwriters",
        "The week-long lab in Cholpon-Ata will select ten feature scripts and pair their "
        "authors with mentors; two projects will receive development grants.",
        {KG},
        {PROD},
    ),
    case(
        "en",
        "Berlinale announces its Generation line-up",
        "The section for young audiences will show 28 films from 24 countries, including a "
        "debut from Kazakhstan and a documentary shot in Tajikistan.",
        {KZ, TJ},
        {FEST},
    ),
    case(
        "en",
        "Russian blockbuster leads the weekend box office in Kazakhstan and Kyrgyzstan",
        "The fantasy sequel took 310 million tenge in Kazakh cinemas over the weekend and was "
        "also number one in Bishkek.",
        {KZ, KG},
        {REL},
    ),
    case(
        "en",
        "Film archive digitises 1930s newsreels shot in Samarkand and Bukhara",
        "The collection holds newsreels filmed by Soviet cameramen in Samarkand, Bukhara and "
        "Khiva, most of which have not been shown since they were made.",
        {UZ},
        {HERIT},
    ),
    case(
        "en",
        "Crime series shot in Shymkent premieres on Qazaqstan TV",
        "The eight-episode series, filmed over three months in Shymkent and Turkistan, "
        "premieres on 1 March with two episodes a week.",
        {KZ},
        {REL},
    ),
    case(
        "en",
        "Toshkent International Film Festival announces its programme",
        "The festival, revived in 2021 by the O'zbekiston cinematography agency, will show "
        "films from 40 countries in Toshkent and Samarqand.",
        {UZ},
        {FEST},
    ),
    case(
        "en",
        "Documentary about Aşgabat's marble city wins a prize in Kazan",
        "The film by Merdan Ovezov received the jury prize for best documentary at the Kazan "
        "International Festival of Muslim Cinema.",
        {TM},
        {FEST},
    ),
    case(
        "en",
        "Ysyk-Köl cash rebate draws foreign film crews",
        "Kyrgyzstan offers a 25 per cent rebate to foreign productions filming around Ysyk-Köl "
        "and Karakol; an Indian crew shot a musical there last summer.",
        {KG},
        {PROD},
    ),
    case(
        "en",
        "Indian musical breaks records in Gulf cinemas",
        "The film sold more than a million tickets in the UAE and Saudi Arabia in its opening "
        "week, its distributor said.",
        {OTHER},
        {REL},
    ),
    # --- written for this table: Russian ---------------------------------------------------
    case(
        "ru",
        "В Казахстане снимут фильм о первых космонавтах",
        "Съёмки ленты начнутся летом на Байконуре и в Караганде, бюджет проекта составляет "
        "2 млрд тенге. Картину финансирует Государственный центр поддержки национального кино.",
        {KZ},
        {PROD},
    ),
    case(
        "ru",
        "Казахстанский фильм получил главный приз фестиваля в Шанхае",
        "Драма молодого режиссёра из Алматы получила «Золотой кубок» как лучший фильм. Жюри "
        "отдельно отметило работу оператора.",
        {KZ},
        {FEST},
    ),
    case(
        "ru",
        "Ретроспектива казахского кино откроется в Москве",
        "В программе — восемь отреставрированных лент студии «Казахфильм» 1960-х годов, в том "
        "числе комедии Шакена Айманова.",
        {KZ},
        {HERIT},
    ),
    case(
        "ru",
        "Кинотеатры Бишкека показали рекордные сборы",
        "За новогодние праздники кинотеатры столицы продали более 200 тысяч билетов, лидером "
        "проката стала кыргызская комедия «Той болот».",
        {KG},
        {REL},
    ),
    case(
        "ru",
        "Актриса киргизского кино Айгуль Садыкова отмечает юбилей",
        "Звезде фильмов студии «Киргизфильм» исполнилось 80 лет. В Бишкеке прошёл творческий "
        "вечер в её честь.",
        {KG},
        {PEOPLE},
    ),
    case(
        "ru",
        "В Ташкенте стартовали съёмки узбекского сериала о Бабуре",
        "Съёмочная группа работает в Ташкенте и Андижане, премьера запланирована на осень.",
        {UZ},
        {PROD},
    ),
    case(
        "ru",
        "Узбекский фильм выходит в российский прокат",
        "Драма «Дорога домой» выйдет на экраны 300 кинотеатров России 12 марта.",
        {UZ},
        {REL},
    ),
    case(
        "ru",
        "Таджикский режиссёр: «Кино у нас снимают на энтузиазме»",
        "В интервью Бахтиёр Назаров рассказал о работе без государственного финансирования и "
        "о том, как искал деньги на свой дебют.",
        {TJ},
        {PEOPLE, PROD},
    ),
    case(
        "ru",
        "В Душанбе оцифруют архив «Таджикфильма»",
        "Около 400 фильмов советского периода будут отреставрированы при поддержке ЮНЕСКО. "
        "Работа с фондами займёт три года.",
        {TJ},
        {HERIT},
    ),
    case(
        "ru",
        "Туркменский фильм покажут на фестивале в Каире",
        "Картина о ковроткачихах из Ашхабада вошла в программу Каирского международного "
        "кинофестиваля.",
        {TM},
        {FEST},
    ),
    case(
        "ru",
        "В Ашхабаде открылся новый кинотеатр",
        "Зал на 600 мест будет показывать туркменские и зарубежные фильмы; билеты на первые "
        "сеансы раскуплены на неделю вперёд.",
        {TM},
        {REL},
    ),
    case(
        "ru",
        "В Мары завершились съёмки исторического фильма",
        "Группа студии «Туркменфильм» работала в Марыйском велаяте два месяца.",
        {TM},
        {PROD},
    ),
    case(
        "ru",
        "Скончался итальянский режиссёр Марко Беллини",
        "Ему было 88 лет. Беллини снял более 30 фильмов и дважды получал премию «Давид ди "
        "Донателло».",
        {OTHER},
        {PEOPLE},
    ),
    case(
        "ru",
        "Российская комедия лидирует в прокате",
        "Фильм собрал 1,2 млрд рублей за первые выходные, кассовые сборы превысили прогнозы.",
        {OTHER},
        {REL},
    ),
    case(
        "ru",
        "Московский кинофестиваль объявил состав жюри",
        "Председателем жюри основного конкурса станет известный сербский режиссёр.",
        {OTHER},
        {FEST},
    ),
    case(
        "ru",
        "Кыргызстан выдвинул фильм на «Оскар»",
        "Национальный оскаровский комитет выбрал драму «Тень горы» для участия в конкурсе за "
        "лучший международный фильм.",
        {KG},
        {FEST},
    ),
    case(
        "ru",
        "Фестиваль «Евразия» в Алматы объявил конкурсную программу",
        "В основной конкурс вошли 12 фильмов, в том числе из Узбекистана и Таджикистана.",
        {KZ, UZ, TJ},
        {FEST},
    ),
    case(
        "ru",
        "В Хороге откроется первая документальная киностудия",
        "Памирская студия будет снимать фильмы на шугнанском языке; оборудование закуплено на "
        "грант международного фонда.",
        {TJ},
        {PROD},
    ),
    case(
        "ru",
        "Худжанд покажет ретроспективу фильмов классика таджикского кино",
        "В кинотеатре «Ватан» покажут шесть лент, снятых в 1940–1970-х годах.",
        {TJ},
        {HERIT},
    ),
    case(
        "ru",
        "На Иссык-Куле пройдёт кинофорум продюсеров Центральной Азии",
        "Участники в Чолпон-Ате представят 15 проектов инвесторам и фондам; лучшие получат "
        "гранты на разработку сценариев.",
        {KG},
        {PROD},
    ),
    case(
        "ru",
        "Продюсер из Шымкента — о том, почему местные комедии обходят Голливуд",
        "В интервью продюсер рассказал, почему казахстанские комедии собирают в прокате больше "
        "американских блокбастеров и сколько стоит билет в регионах.",
        {KZ},
        {PEOPLE, REL},
    ),
    case(
        "ru",
        "Фильм Мары Ливановой откроет «Кинотавр»",
        "Дебют режиссёра о трёх сёстрах из Ростова покажут в первый день фестиваля в Сочи.",
        {OTHER},
        {FEST},
    ),
    case(
        "ru",
        "«Киргизфильм» передал в Госфильмофонд негативы лент, снятых во Фрунзе",
        "Речь идёт о 12 картинах 1960-х годов; их планируют отреставрировать и показать в рамках "
        "ретроспективы.",
        {KG},
        {HERIT},
    ),
    case(
        "ru",
        "Фильм узбекского режиссёра вошёл в программу Берлинале",
        "Картину о жизни в махалле Самарканда покажут в секции «Форум».",
        {UZ},
        {FEST},
    ),
)
