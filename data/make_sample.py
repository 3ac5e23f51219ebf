"""Write data/sample.jsonl and data/expected_clusters.json.

Every text here is invented for dupfinder: five wire stories, each republished by several
invented outlets with the edits real outlets make, and unrelated articles, some about the same
events written independently. Run it again after editing a story: ``python data/make_sample.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

CHROME = {
    "valleyherald.example": (
        "Sign up to our newsletter for the day's top stories, delivered every morning.\n"
        "Comments are closed on this article."
    ),
    "coastalpost.example": (
        "Advertisement\n"
        "Follow Coastal Post on social media for breaking news from the coast and beyond."
    ),
    "metrodaily.example": (
        "Related articles\n"
        "Council approves new cycle lanes on the ring road\n"
        "Local bakery wins national award for its sourdough\n"
        "Read more from Metro Daily"
    ),
    "northernecho.example": (
        "Support local journalism: subscribe today for unlimited access to every story.\n"
        "Copyright Northern Echo Media Group. All rights reserved."
    ),
}

WIRE = [
    {
        "key": "flood",
        "agency": "PA",
        "title": "Flood barriers raised as river reaches record level",
        "published": "2026-03-02T06:10:00Z",
        "paras": [
            "LONDON (PA) - Emergency flood barriers were raised across three counties on "
            "Monday after the River Arden rose to its highest level since records began in 1894.",
            "The Environment Agency issued eleven severe flood warnings overnight, meaning there "
            "is a danger to life, and urged residents in low-lying streets to move valuables "
            "upstairs and prepare to leave their homes.",
            "Gauges at Millbridge recorded the river at 6.2 metres shortly after 4am, beating the "
            "previous record set during the winter storms of 2014 by almost twenty centimetres.",
            "Agency spokeswoman Helen Marsh said teams had worked through the night to install "
            "temporary defences. 'We are asking people to take these warnings seriously and to "
            "follow the advice of the emergency services,' she said.",
            "More than four hundred homes were evacuated in the town of Ashford Vale, where "
            "rescue crews used boats to reach elderly residents trapped by rising water.",
            "Rail operators cancelled services between Millbridge and Carrow after a section of "
            "track was submerged, and several main roads were closed by police.",
            "Forecasters expect a further 40 millimetres of rain to fall on already saturated "
            "ground before the weather improves on Wednesday.",
            "The government said it would convene an emergency committee on Tuesday to "
            "coordinate the response and assess the damage to farmland and businesses.",
        ],
    },
    {
        "key": "rates",
        "agency": "Reuters",
        "title": "Central bank holds interest rates, signals cut later this year",
        "published": "2026-04-09T11:00:00Z",
        "paras": [
            "FRANKFURT (Reuters) - The central bank held its main interest rate at 3.5 percent on "
            "Thursday but signalled that borrowing costs could fall before the end of the year if "
            "inflation keeps easing.",
            "Governor Anna Keller told reporters that price growth had slowed for a sixth "
            "consecutive month and that wage settlements were becoming more moderate.",
            "'We are not yet at the point where we can declare victory, but the direction of "
            "travel is clear,' Keller said at a news conference after the decision.",
            "Seven of the nine members of the rate-setting committee voted to keep rates on hold, "
            "while two favoured an immediate cut of a quarter of a percentage point.",
            "Markets had largely expected the decision, and the currency slipped 0.3 percent "
            "against the dollar as traders increased bets on a cut in September.",
            "Economists at several large banks said the bank's new forecasts, which show "
            "inflation returning to its two percent target next spring, left room for two cuts.",
            "Business groups welcomed the change in tone but said high borrowing costs were "
            "still weighing on investment and hiring, particularly among smaller firms.",
        ],
    },
    {
        "key": "telescope",
        "agency": "AP",
        "title": "New telescope captures sharpest image yet of distant galaxy",
        "published": "2026-05-14T15:30:00Z",
        "paras": [
            "CAPE CANAVERAL, Fla. (AP) - A new space telescope has captured the sharpest image "
            "ever taken of a galaxy more than thirteen billion light years away, scientists "
            "said Wednesday.",
            "The picture shows a compact cluster of young stars forming just a few hundred "
            "million years after the Big Bang, earlier than many models had predicted.",
            "'It is like looking at a baby photograph of the universe,' said astronomer Dr. "
            "Priya Raman, who led the team that analysed the data.",
            "The telescope, launched in January, carries a mirror six and a half metres wide and "
            "instruments cooled to minus 266 degrees Celsius to detect faint infrared light.",
            "Researchers said the galaxy appears to be producing stars about fifty times faster "
            "than the Milky Way does today.",
            "The findings were published in the journal Nature Astronomy and will be followed by "
            "more detailed observations later this year.",
            "The mission is a partnership between space agencies in the United States, Europe "
            "and Canada, and is expected to operate for at least ten years.",
        ],
    },
    {
        "key": "strike",
        "agency": "PA",
        "title": "Rail workers announce three days of strikes over pay",
        "published": "2026-06-03T09:45:00Z",
        "paras": [
            "Rail workers will walk out for three days later this month in a long-running "
            "dispute over pay and working conditions, their union has announced.",
            "Members of the Transport Workers Union voted by 84 percent in favour of industrial "
            "action on a turnout of 71 percent, the union said on Tuesday.",
            "General secretary Mark Doyle said staff had been offered a below-inflation rise for "
            "the third year running. 'Our members have had enough,' he said. 'They keep the "
            "country moving and deserve a fair deal.'",
            "The strikes on June 20, 22 and 24 are expected to cause severe disruption, with "
            "operators warning that most routes will run a reduced timetable or no service.",
            "The Rail Delivery Group said the offer was fair and affordable and urged the union "
            "to return to talks rather than disrupt passengers' plans.",
            "The transport secretary described the walkout as deeply disappointing and said the "
            "government would not intervene in negotiations between employers and staff.",
            "Passengers are advised to check before they travel and to consider working from "
            "home on strike days where possible.",
        ],
    },
    {
        "key": "museum",
        "agency": "AP",
        "title": "Stolen painting returned to museum after 30 years",
        "published": "2026-07-21T13:05:00Z",
        "paras": [
            "AMSTERDAM (AP) - A seventeenth-century painting stolen from a Dutch museum three "
            "decades ago has been returned after it was found in the attic of a house in "
            "Belgium, police said Monday.",
            "The small oil portrait of a merchant's daughter disappeared in 1996 when thieves "
            "broke through a skylight at the Hofmann Museum and took four works.",
            "Police said a family clearing the house of a deceased relative discovered the "
            "canvas wrapped in newspaper and contacted the authorities.",
            "Museum director Lotte Verbeek said staff were overjoyed. 'We never gave up hope "
            "that she would come home,' Verbeek said. 'She is in remarkably good condition.'",
            "Experts confirmed the painting's authenticity by comparing it with photographs and "
            "conservation records made before the theft.",
            "The other three works taken in the burglary are still missing, and police renewed "
            "their appeal for information.",
            "The portrait will go back on display in September after minor restoration work.",
        ],
    },
]

# Each copy: outlet, new headline, how many paragraphs kept (from the top), inserted local
# paragraph (position, text), word substitutions, and the hours after the wire it went up.
COPIES = {
    "flood": [
        ("valleyherald.example", "Record river level forces hundreds from their homes", None,
         (5, "In Valley Herald country, the village hall in Kingsmere has opened as a rest "
             "centre, and volunteers are collecting blankets and food for evacuated families."),
         [("severe flood warnings", "flood warnings")], 2),
        ("coastalpost.example", "Flood barriers raised as river hits record high", 5, None,
         [("Environment Agency", "EA"), ("spokeswoman Helen Marsh", "Helen Marsh")], 3),
        ("metrodaily.example", "River Arden breaks 130-year record", 4, None, [], 4),
        ("northernecho.example", "Evacuations as Arden floods three counties", None,
         (2, "Northern Echo readers in Carrow have sent us photographs of water reaching the "
             "windows of cars parked on the high street."),
         [("Monday", "Monday morning")], 5),
        ("dailybrief.example", "Flood barriers raised as river reaches record level", 8, None,
         [], 1),
    ],
    "rates": [
        ("marketwire.example", "Rates on hold but cut in sight, says central bank", 6, None,
         [("percent", "per cent")], 1),
        ("valleyherald.example", "Interest rates held at 3.5pc", 3, None, [], 2),
        ("metrodaily.example", "Central bank keeps rates steady", None,
         (4, "For homeowners in the city, the decision means mortgage payments will stay the "
             "same for now, local brokers told Metro Daily."),
         [], 3),
        ("coastalpost.example", "Borrowing costs could fall this year, bank hints", 7, None,
         [("Governor Anna Keller", "Keller")], 5),
    ],
    "telescope": [
        ("sciencetoday.example", "Telescope snaps 'baby photo' of the universe", None, None,
         [("metres", "meters")], 2),
        ("coastalpost.example", "Sharpest image yet of a distant galaxy", 3, None, [], 3),
        ("northernecho.example", "New telescope sees galaxy from dawn of time", 5,
         (3, "A team from the University of Northfield helped build one of the instruments "
             "on board, the university said."),
         [], 6),
    ],
    "strike": [
        ("valleyherald.example", "Three days of rail strikes announced", 6, None, [], 1),
        ("metrodaily.example", "Rail strike dates confirmed for June", None, None,
         [("General secretary Mark Doyle", "Union boss Mark Doyle")], 2),
        ("northernecho.example", "Rail strikes: what you need to know", 4, None, [], 2),
        ("coastalpost.example", "Commuters face disruption as rail staff walk out", None,
         (4, "Services on the coastal line between Seabrook and Port Ellis are expected to be "
             "among the worst affected, according to the operator."),
         [], 3),
        ("dailybrief.example", "Rail workers to strike for three days", 3, None, [], 4),
        ("marketwire.example", "Rail union announces walkout over pay", 5, None,
         [("percent", "per cent")], 6),
    ],
    "museum": [
        ("artnewsdaily.example", "Portrait stolen in 1996 found in Belgian attic", None, None,
         [("Monday", "on Monday")], 3),
        ("valleyherald.example", "Missing masterpiece comes home", 4, None, [], 5),
        ("sciencetoday.example", "Stolen painting recovered after three decades", 6, None, [], 8),
    ],
}

UNRELATED = [
    ("valleyherald.example", "Kingsmere school celebrates 150 years",
     "Pupils and former teachers gathered at Kingsmere Primary School on Saturday to mark the "
     "school's 150th anniversary with a fete, a time capsule and an exhibition of old class "
     "photographs.\nHeadteacher Sarah Lyle said the celebrations had brought together four "
     "generations of some local families. The oldest former pupil present, 97-year-old Arthur "
     "Penn, cut a cake shaped like the original schoolhouse.\nThe time capsule, which includes "
     "drawings by the current reception class, will be opened in 2076."),
    ("coastalpost.example", "Lifeboat crew rescues two kayakers",
     "Two kayakers were rescued by the Seabrook lifeboat crew on Sunday afternoon after being "
     "swept out to sea by strong offshore winds.\nThe pair, both in their twenties, had set off "
     "from the harbour beach but were unable to paddle back against the wind. A passer-by raised "
     "the alarm after seeing them drift past the pier.\nLifeboat operations manager Tom Ridley "
     "reminded visitors to check the forecast and to carry a way of calling for help."),
    ("metrodaily.example", "City council approves budget with tax rise",
     "The city council has approved its budget for next year, including a 4.9 percent rise in "
     "council tax, after a three-hour debate on Wednesday night.\nCouncil leader Janet Okafor "
     "said the increase was needed to protect adult social care and bin collections. "
     "Opposition councillors argued for deeper cuts to consultancy spending instead.\nThe "
     "budget also includes funding for two new libraries and the repair of 300 potholes."),
    ("northernecho.example", "Flooding: how to protect your home",
     "With heavy rain forecast across the region, insurers and emergency planners have shared "
     "advice on how householders can limit flood damage.\nMoving electrical items and important "
     "documents upstairs, fitting flood boards to doors and keeping a bag of essentials ready "
     "can all make a difference, according to the National Flood Forum.\nResidents are also "
     "advised to sign up for free flood alerts and to know how to switch off gas, electricity "
     "and water at the mains.\nInsurers say photographs of damage taken before any clean-up "
     "will help claims to be settled more quickly."),
    ("valleyherald.example", "Farmers count the cost of the floods",
     "Farmers along the River Arden say they face months of work to repair fields and fences "
     "after this week's floods, which left thousands of acres under water.\nDairy farmer Ruth "
     "Collins said she had moved her herd to higher ground on Sunday night but lost most of her "
     "winter feed. 'You can't fight water like that,' she said.\nThe farmers' union has asked "
     "the government for emergency grants and for faster payment of existing support schemes, "
     "warning that some smaller farms may not survive another bad year."),
    ("marketwire.example", "What a rate cut would mean for savers",
     "Savers who have enjoyed the best returns in more than a decade could see interest on "
     "easy-access accounts fall if the central bank cuts rates later this year.\nAnalysts say "
     "fixed-rate bonds are likely to be withdrawn first, as banks anticipate lower borrowing "
     "costs. Those who want to lock in current rates may need to act quickly.\nGovernor Anna "
     "Keller said this week that 'the direction of travel is clear', a remark that markets took "
     "as a strong hint of a cut in September.\nFinancial advisers recommend keeping an "
     "emergency fund in an accessible account regardless of where rates go."),
    ("sciencetoday.example", "How infrared telescopes see the early universe",
     "Light from the first galaxies has been travelling for more than thirteen billion years, "
     "and the expansion of the universe has stretched it from visible wavelengths into the "
     "infrared.\nThat is why the newest observatories are designed to detect infrared light and "
     "must be kept extremely cold: warm instruments glow in the infrared and would drown out "
     "faint signals.\nAstronomers compare the challenge to spotting a candle on the Moon from "
     "Earth. Large mirrors collect as much light as possible, while long exposures over many "
     "hours build up an image one photon at a time."),
    ("dailybrief.example", "Commuter guide: travelling during the rail strike",
     "Commuters are being urged to plan ahead as rail workers prepare to strike on three days "
     "this month.\nBus operators say they will add extra services on the busiest routes, and "
     "several employers have told staff they can work from home. Cycle hire schemes are offering "
     "discounted day passes.\nRoads are expected to be busier than usual, especially around "
     "city centres in the morning peak, so drivers should allow more time for journeys."),
    ("artnewsdaily.example", "Art detectives: the hunt for stolen masterpieces",
     "Thousands of stolen artworks remain missing worldwide, and specialist investigators say "
     "many will only reappear when an owner dies or a house is cleared.\nDatabases of stolen art "
     "allow auction houses and dealers to check works before a sale, which makes it hard for "
     "thieves to sell famous pieces openly.\nOne investigator said most recovered paintings are "
     "found through tips from the public rather than police operations. 'Someone always knows "
     "something,' she said."),
    ("metrodaily.example", "New cycle lanes open on ring road",
     "The first section of protected cycle lanes on the city's ring road opened on Monday, "
     "eighteen months after the scheme was approved.\nThe lanes are separated from traffic by "
     "kerbs and planters and run for two miles between the station and the university. "
     "Campaigners welcomed the opening but said gaps at junctions still needed fixing.\nThe "
     "council says it will monitor how many people use the route before deciding on the next "
     "phase."),
    ("coastalpost.example", "Pier restoration wins heritage grant",
     "Seabrook's Victorian pier has been awarded a heritage grant of 1.2 million pounds to repair "
     "its ironwork and reopen the pavilion, which has been closed since 2019.\nThe pier trust said "
     "work would start in the autumn and take about two years. Volunteers have already raised "
     "more than 200,000 pounds through events and donations.\nLocal historian Dev Patel said the "
     "pier had been the heart of the town's seaside trade for more than a century."),
    ("northernecho.example", "Town hall clock chimes again after repair",
     "The clock on Carrow town hall is chiming again for the first time in five years after "
     "a specialist restoration of its mechanism.\nClockmakers replaced worn gears by hand and "
     "cleaned the bells, which had been silenced after a fault in 2021. Residents gathered in "
     "the square on Friday to hear the first chime at noon.\nThe council said the clock would be "
     "maintained by volunteers trained during the restoration."),
]


def _apply(paras: list[str], copy: tuple) -> str:
    outlet, title, keep, insert, subs, _hours = copy
    body = list(paras[:keep] if keep else paras)
    if insert:
        body.insert(insert[0], insert[1])
    text = "\n".join(body)
    for old, new in subs:
        text = text.replace(old, new)
    chrome = CHROME.get(outlet)
    if chrome:
        text = text + "\n" + chrome
    return text


def _hours_after(stamp: str, hours: int) -> str:
    from datetime import datetime, timedelta

    base = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (base + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def build() -> tuple[list[dict], list[list[str]]]:
    records: list[dict] = []
    expected: list[list[str]] = []
    for story in WIRE:
        key = story["key"]
        agency = story["agency"].lower()
        wire_id = f"{agency}-{key}"
        records.append({
            "id": wire_id, "outlet": f"{agency}.example", "title": story["title"],
            "published": story["published"], "url": f"https://{agency}.example/{key}",
            "text": "\n".join(story["paras"]),
        })
        members = [wire_id]
        for copy in COPIES[key]:
            outlet = copy[0]
            cid = f"{outlet.split('.')[0]}-{key}"
            records.append({
                "id": cid, "outlet": outlet, "title": copy[1],
                "published": _hours_after(story["published"], copy[5]),
                "url": f"https://{outlet}/news/{key}", "text": _apply(story["paras"], copy),
            })
            members.append(cid)
        expected.append(sorted(members))
    for number, (outlet, title, text) in enumerate(UNRELATED, start=1):
        chrome = CHROME.get(outlet)
        records.append({
            "id": f"{outlet.split('.')[0]}-local{number}", "outlet": outlet, "title": title,
            "published": f"2026-0{1 + number % 8}-1{number % 10}T08:00:00Z",
            "url": f"https://{outlet}/local/{number}",
            "text": text + ("\n" + chrome if chrome else ""),
        })
    return records, expected


def main() -> None:
    records, expected = build()
    with open(HERE / "sample.jsonl", "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    wire_ids = [f"{s['agency'].lower()}-{s['key']}" for s in WIRE]
    (HERE / "expected_clusters.json").write_text(
        json.dumps({"clusters": expected, "canonicals": wire_ids}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(records)} articles, {len(expected)} expected clusters")


if __name__ == "__main__":
    main()
