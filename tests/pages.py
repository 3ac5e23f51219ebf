"""Page builders for tests/test_page_classes.py: the classes of real pages that break naive
detection, laid out with invented stories (every text here is written by us; places, people and
companies are made up).

Each builder returns a list of records, dicts with "id", "outlet", "title", "text" and, where a
scrape would have them, "published" and "url". Texts are multi-line (one paragraph a line)
unless a builder says otherwise. The constants next to each builder name the ids and lines the
tests look for.
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]


def _story(block: str) -> list[str]:
    """Paragraphs of a block written with blank lines between paragraphs (wrapped freely)."""
    return [" ".join(p.split()) for p in block.strip().split("\n\n")]


def _rec(id: str, outlet: str, title: str, paras: list[str], published: str | None = None,
         sep: str = "\n") -> Record:
    record: Record = {"id": id, "outlet": outlet, "title": title, "text": sep.join(paras)}
    if published is not None:
        record["published"] = published
    record["url"] = f"https://{outlet}/{id}"
    return record


def _edit(paras: list[str], *pairs: tuple[str, str]) -> list[str]:
    """The paragraphs with each (old, new) replaced wherever it occurs; every old must occur."""
    text = "\n".join(paras)
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text.split("\n")


# --- Stories ----------------------------------------------------------------------------------
# Each is distinct in topic and vocabulary, so that unrelated stories share (next to) no word
# 5-grams; several builders draw on the same pool for the unrelated articles around a case.

FERRY = _story("""
KIRKHAVEN (PA) - A passenger ferry carrying 214 people ran aground on a sandbank off the island
of Westray Holm early on Thursday, the coastguard said, and everyone on board was brought ashore
without serious injury.

The MV Caledon Star, operated by Northern Isles Shipping, struck the Tarran Bank shortly after
5.30am while crossing from Kirkhaven in a heavy swell. Lifeboats from two stations and a
coastguard helicopter were sent to the scene.

Passengers were transferred to a second vessel in a slow operation that lasted almost four
hours. Seven people were treated for minor cuts and hypothermia at the Balfour Infirmary and
later discharged.

'It was a frightening jolt and then the whole ship leaned over,' said Aileen Rendall, a teacher
travelling to the mainland for a conference. 'The crew were calm and kept us informed the whole
time.'

The Marine Accident Investigation Branch said it had sent inspectors to the island and would
examine the ship's navigation records, the weather forecast issued to the master and the
condition of the channel markers.

Northern Isles Shipping said the ferry had passed its annual survey in January and that the
crossing had been cleared to sail. It has cancelled all sailings on the route until Saturday and
arranged charter flights for islanders with hospital appointments.

Local councillor Magnus Flett said the grounding showed how exposed the islands were whenever a
single vessel was taken out of service. 'We have one boat and no backup, and people here are
stranded again,' he said.

Salvage crews hope to refloat the Caledon Star on the evening high tide if divers find no breach
in the hull.
""")

FROG = _story("""
Scientists working in the cloud forests of the Serra Alvarenga have described a new species of
tree frog no larger than a thumbnail, which they say survives only on a handful of mist-soaked
ridges.

The frog, named Pristimantis lumenae after the village of Lumena whose guides led the
expeditions, was first heard rather than seen: its call, a rapid series of clicks, did not match
any recording held in the national sound archive.

Herpetologist Carla Benedetti of the University of Porto Velho said the team spent three rainy
seasons searching before catching the first adult on a bromeliad leaf two metres above the
ground. Genetic tests published on Wednesday in the journal Amphibian Systematics show the
animal split from its closest relative roughly four million years ago.

The researchers estimate that fewer than two thousand individuals remain, spread across an area
smaller than eleven square kilometres. Cattle ranching and a planned hydroelectric reservoir
threaten the lower slopes, they warn, and a fungal disease that has wiped out frogs elsewhere in
South America has already been detected in a neighbouring valley.

Benedetti said the team would ask the regional government to extend the boundaries of the
Alvarenga reserve to cover the ridges where the frog breeds. 'Every time we walked up into the
clouds we heard something new,' she said. 'This forest still holds species nobody has named, and
we could lose them before we know they exist.'

Local guide Joaquim Tavares, who first recorded the clicking call on his mobile phone in 2021,
said the community hoped the discovery would bring birdwatchers and researchers rather than more
cattle.
""")

LIBRARY = _story("""
The Carnegie library in Bramwell reopened on Saturday after an eighteen-month renovation that
restored its stained-glass dome and added a children's wing.

More than six hundred people queued in the rain for the ribbon-cutting, performed by the author
Hetty Lomax, who borrowed her first book there in 1962.

The work cost 3.2 million pounds, most of it from a heritage lottery grant, with the rest raised
by the Friends of Bramwell Library through cake sales, sponsored walks and an auction of signed
first editions.

Librarian Priya Natarajan said membership applications had tripled since the reopening date was
announced. 'People have missed this building more than we ever expected,' she said.

The library will now open on Sunday afternoons for the first time in its history.
""")

FOOTBALL = _story("""
Harcourt Rovers have appointed former captain Declan Moody as manager on a two-year contract,
ending a five-week search after the club's worst start to a season in four decades.

Moody, 41, spent eleven years at the club as a player and led its under-21 side to a league and
cup double last spring. He replaces Tomasz Wierzbicki, who was dismissed in October with Rovers
bottom of the table after one win in fourteen matches.

Chairman Roland Pike said the board had interviewed six candidates but that Moody's knowledge of
the squad and the academy had made him the outstanding choice.

'I know what this club means to the town, and I know the dressing room,' Moody told reporters at
the training ground. 'Nobody needs to tell me how big the job is.'

His first game in charge is away at Dunmore Athletic on Saturday.
""")

HOSEPIPE = _story("""
A hosepipe ban will come into force across the Lidwell valley from Friday after the driest
spring on record left reservoirs at barely half their usual level.

Severn Lidwell Water said the restriction would apply to about 1.8 million customers and would
stay in place until reservoir stocks recovered, which could take until the autumn.

Households will be barred from using hosepipes to water gardens, wash cars or fill paddling
pools, with fines of up to 1,000 pounds for repeated breaches. Commercial car washes and
allotments with drip irrigation are exempt.

The company's operations director, Gareth Pryce, apologised to customers and said leakage had
been cut by a fifth over the past three years. Campaigners said the figure still meant millions
of litres a day were lost from ageing pipes.

Rainfall since March has been 38 per cent of the long-term average, according to the Met Office.
""")

ORCHARD = _story("""
Pupils at St Brannock's Primary School in Tolworth Quay have planted forty apple and pear trees
on a strip of wasteland beside the railway, creating what the town council says is its first
community orchard.

The idea came from the school's eco club, whose members wrote to the council last spring asking
whether the overgrown plot could be put to better use. The rail company, which owns part of the
land, agreed to lease it for a peppercorn rent.

Each class adopted a tree and chose its variety from a list drawn up by the Tolworth Allotment
Society, which donated tools and will help with pruning. Among the varieties are Cornish
Gilliflower, Bramley and an old local pear, the Quay Beurre, grown from grafts taken from a tree
in a retired fisherman's garden.

Head teacher Morwenna Tregear said the children would harvest the first fruit in about three
years. 'They will be at secondary school by then, but they have promised to come back and pick
it,' she said.

Residents will be free to help themselves to fruit once the trees are established.
""")

BUSES = _story("""
Rural bus routes across the Penwithen district will be cut from next month after the operator
said falling passenger numbers and a shortfall in council subsidy made them impossible to run.

Kestrel Buses said seven routes would be withdrawn entirely and another five reduced to a
service every two hours. The changes affect villages including Carnhallow, Trewint Cross and
Polmarrow, some of which will be left with no public transport at all.

Managing director Stuart Elphick said passenger journeys on the affected routes were still a
third below their level before the pandemic, while fuel and wage costs had risen sharply. 'We
have held on as long as we could, but we cannot keep running empty buses,' he said.

Penwithen District Council said its transport budget had been cut by 1.1 million pounds and that
it had asked the company to delay the changes while it looked for other funding.

Campaign group Keep Penwithen Moving said older residents and teenagers travelling to college
would be hit hardest. Its chair, Rosalind Tonkin, said a survey of 800 people found that one in
four had no other way of getting to a doctor's surgery.

The cuts take effect on the first Monday of next month.
""")

SEAL = _story("""
A grey seal pup found tangled in fishing net on a beach near Porthkennack has been released back
into the sea after six weeks of care at a wildlife hospital.

The pup, nicknamed Biscuit by volunteers, was spotted by a dog walker in November with green
monofilament wrapped so tightly around her neck that it had cut into the skin. Medics from the
Marine Animal Rescue Trust cut the net away on the beach before driving her to the trust's
hospital at Gweek Mill.

She weighed just 14 kilograms on arrival, less than half what a healthy pup of her age should
weigh. Staff fed her a diet of blended herring before moving her on to whole fish, and her wound
healed without infection.

Senior animal care officer Jenna Pascoe said discarded fishing gear was the most common reason
seals were brought to the hospital. 'We saw more entangled animals this year than in any year
since we opened,' she said.

Biscuit, now weighing 38 kilograms, was carried down to the water in a crate on Tuesday morning
and swam off within seconds while a small crowd cheered from the slipway.
""")

SHIPYARD = _story("""
DUNMARRA (PA) - The Kelvinhaugh shipyard in Dunmarra has won a contract worth 1.4 billion pounds
to build five patrol frigates, securing around 1,700 jobs for at least a decade, the government
announced on Monday.

The yard, owned by Albion Marine Systems, beat bids from two European rivals after a competition
that lasted almost three years. Steel is due to be cut on the first ship next spring, with the
last of the five handed over in 2034.

Procurement minister Clare Ashdown said the decision showed confidence in British shipbuilding.
'These ships will be designed, built and maintained here, and the skills that go into them will
stay here,' she said during a visit to the yard.

Union officials welcomed the contract but said the workforce had shrunk by a third since the
last order ended, and that the company would need to recruit quickly. The union's regional
organiser, Fraser Lindsay, said the 400 apprenticeships promised in the bid must be delivered in
full.

Albion Marine Systems chief executive Ian Kerr said work would begin immediately on a new
covered construction hall, allowing two hulls to be assembled side by side whatever the weather.

The frigates will replace older vessels that have patrolled the North Atlantic since the 1990s,
several of which have spent long spells out of service for repairs.

Local businesses in Dunmarra, where the yard is the largest private employer, said the news
would lift a town that had feared the site's closure. 'Every cafe and shop on this street
depends on the yard,' said Morag Gillespie, who runs a bakery opposite the main gate.
""")

BRIDGE_BRIEF = _story("""
The Aldergate swing bridge will close to traffic for three weeks from Monday while engineers
replace its worn turning mechanism, the county council said. Drivers face a diversion of about
six miles through Cressley and Marl Green, and a free shuttle minibus will carry pedestrians and
cyclists across the river to a temporary pontoon every twenty minutes.

The council said the 1911 bridge had jammed open twice last winter, stranding traffic on both
banks for several hours. The work has been timed to avoid the summer tourist season, a spokesman
said.
""")


# --- 1. One-line texts ------------------------------------------------------------------------
# CSV exports store a text on one line, often with its paragraphs joined by a marker. A detector
# that treats a line as a unit of boilerplate sees identical copies carry one shared "line" and
# nothing else, and takes the whole story for chrome.

ONE_LINE_SEPARATOR = " ### "
ONE_LINE_UNRELATED = ["oneline-library", "oneline-football", "oneline-hosepipe"]


def one_line_copies(copies: int, sep: str = ONE_LINE_SEPARATOR) -> list[Record]:
    """``copies`` identical one-line copies of the ferry story (ids ``ferry-000``...), beside
    three unrelated one-line articles. With ``sep=" "`` the text is plain sentences."""
    records = [
        _rec(f"ferry-{i:03d}", f"site{i:03d}.example", "Ferry with 214 on board runs aground",
             FERRY, f"2026-02-05T{6 + i % 12:02d}:{i % 60:02d}:00Z", sep=sep)
        for i in range(copies)
    ]
    for id_, title, paras in zip(
        ONE_LINE_UNRELATED,
        ["Carnegie library reopens after restoration", "Rovers turn to former captain",
         "Hosepipe ban for 1.8 million customers"],
        [LIBRARY, FOOTBALL, HOSEPIPE],
    ):
        records.append(_rec(id_, "localnews.example", title, paras, "2026-02-05T09:00:00Z",
                            sep=sep))
    return records


def plain_one_line_copies(copies: int = 3) -> list[Record]:
    """The frog story on one line as plain sentences (no separator), in ``copies`` copies
    (ids ``frog-000``...), beside the same three unrelated one-line articles."""
    records = [
        _rec(f"frog-{i:03d}", f"nature{i:03d}.example",
             "Thumbnail-sized frog found in cloud forest", FROG,
             f"2026-03-11T1{i % 10}:00:00Z", sep=" ")
        for i in range(copies)
    ]
    return records + one_line_copies(0, sep=" ")


# --- 2. A live page ---------------------------------------------------------------------------
# "The Latest" pages string a day's items together, newest first. Every item is a full story that
# outlets also run on its own, so by containment the page is a copy of each of them and would
# chain five stories into one cluster.

LIVE_PAGE_ID = "ap-latest-renata"
LIVE_PAGE_OUTLET = "ap.example"

LIVE_ITEMS = [
    ("12:50 p.m.", _story("""
DORADA COVE, Caldera (AP) - Floodwater has cut off the fishing town of Dorada Cove, where the
river that runs through its harbor rose more than 9 feet in six hours.

Mayor Leon Pacheco said volunteers in flat-bottomed boats had carried dozens of residents from
the low streets behind the marina. The town's only access road was under several feet of muddy
water, and a nursing home had moved its patients to the second floor.

Pacheco said the town's drinking water plant had shut down as a precaution. Residents were asked
to boil tap water until further notice.

Forecasters expect the river to crest Tuesday evening.
""")),
    ("11:30 a.m.", _story("""
CALDERA CITY (AP) - Gov. Elena Castellanos has declared a state of emergency in eleven coastal
counties and asked the federal government for disaster assistance.

Speaking at the state emergency operations center, Castellanos said National Guard troops had
been deployed to help clear roads and deliver drinking water to shelters. She said at least
2,600 people had spent the night in schools and churches turned into evacuation centers.

'This is going to be a long recovery, and nobody should be in a hurry to drive home,' the
governor said, adding that many bridges had not yet been inspected by engineers.
""")),
    ("10:15 a.m.", _story("""
CAPE ANSELM, Caldera (AP) - The Coast Guard says it has rescued four fishermen whose trawler
began taking on water about 30 miles off Cape Anselm as the storm approached.

A helicopter crew lowered a rescue swimmer into seas of roughly 20 feet and hoisted the men
aboard one at a time, Petty Officer Dana Whitcombe said. All four were flown to a hospital in
Port Selwyn in stable condition.

The 62-foot trawler, the Marguerite Ann, had left harbor on Sunday before forecasters upgraded
the storm. Whitcombe said its owner radioed for help after the bilge pumps failed.
""")),
    ("9:25 a.m.", _story("""
LINDGROVE, Caldera (AP) - More than 410,000 homes and businesses across Caldera were without
electricity Tuesday, according to the state utility, Calderan Power & Light.

The company said crews from four neighboring states were on their way, but warned that some
rural customers might wait ten days for their lines to be rebuilt. Falling trees had snapped
dozens of wooden poles along the coastal highway, and a substation near Lindgrove flooded to the
height of its transformers.

Spokesman Victor Almanza urged residents running generators to keep them outdoors and away from
windows. Two people were treated for carbon monoxide poisoning overnight in the town of Brisa
Alta, he said.
""")),
    ("8:40 a.m.", _story("""
PORT SELWYN, Caldera (AP) - Port Selwyn International Airport has cancelled all departures until
at least Wednesday morning after wind gusts tore part of the roof from its main terminal.

Airport director Renee Okafor said no one was hurt when panels above the check-in hall gave way
shortly before dawn, but glass and debris covered the departures floor. About 3,000 travelers
spent the night on cots in the arrivals building.

Okafor said engineers needed daylight to judge whether the structure was safe. Airlines were
rebooking passengers onto flights from Marisca, a four-hour drive to the north.

The control tower, evacuated at the height of the storm, was staffed again by mid-morning, and a
handful of cargo flights carrying generators and bottled water were cleared to land.
""")),
]

# Per item: (outlet, headline, paragraphs) of each of the two outlets that ran it alone.
_LIVE_COPIES = [
    [("calderaherald.example", "Dorada Cove cut off as harbor river surges",
      LIVE_ITEMS[0][1]),
     ("gulfcoastnow.example", "Fishing town isolated by floodwater",
      LIVE_ITEMS[0][1][:3])],
    [("calderaherald.example", "Governor declares emergency in 11 counties",
      LIVE_ITEMS[1][1]),
     ("statehousewire.example", "Castellanos seeks federal disaster aid after storm",
      _edit(LIVE_ITEMS[1][1], ("National Guard troops", "Guard troops")))],
    [("gulfcoastnow.example", "Four fishermen plucked from sinking trawler",
      LIVE_ITEMS[2][1]),
     ("maritimedaily.example", "Coast Guard hoists crew from Marguerite Ann",
      LIVE_ITEMS[2][1][:2])],
    [("calderaherald.example", "410,000 without power as crews race in",
      LIVE_ITEMS[3][1]),
     ("energybeat.example", "Utility warns of ten-day wait for rural power",
      _edit(LIVE_ITEMS[3][1], ("Tuesday, according to", "on Tuesday, according to")))],
    [("travelweekly.example", "Storm rips roof off Port Selwyn terminal",
      LIVE_ITEMS[4][1][:3]),
     ("gulfcoastnow.example", "Airport shut until Wednesday after roof damage",
      LIVE_ITEMS[4][1])],
]

LIVE_ITEM_COPIES = [
    (f"{outlet.split('.')[0]}-renata-{k}a", f"{outlet2.split('.')[0]}-renata-{k}b")
    for k, ((outlet, _, _), (outlet2, _, _)) in enumerate(_LIVE_COPIES)
]


def live_page() -> list[Record]:
    """An agency's live page of five timed items; each item also run alone by two outlets
    (``LIVE_ITEM_COPIES``); the page is ``LIVE_PAGE_ID``."""
    lines = ["Storm Renata made landfall overnight near Port Selwyn as a Category 2 hurricane, "
             "bringing torrential rain and damaging winds to the Caldera coast. Here's the latest:"]
    for time, paras in LIVE_ITEMS:
        lines.append(time)
        lines.extend(paras)
    lines.append("Follow AP's coverage of Storm Renata at apnews.example/hub/storms.")
    records = [_rec(LIVE_PAGE_ID, LIVE_PAGE_OUTLET,
                    "The Latest: Storm Renata batters Caldera coast", lines,
                    "2026-09-15T17:55:00Z")]
    for k, (pair, ids) in enumerate(zip(_LIVE_COPIES, LIVE_ITEM_COPIES)):
        for (outlet, title, paras), id_ in zip(pair, ids):
            records.append(_rec(id_, outlet, title, paras, f"2026-09-15T{13 + k}:20:00Z"))
    return records


# --- 3. A page with a related-articles block ---------------------------------------------------
# Outlet templates print the full text of other stories under "Related Articles". The page is a
# copy of each of them by containment, though it belongs to none of them (or only to its own).

RELATED_PAGE_ID = "tolworthgazette-orchard"
RELATED_PAGE_OUTLET = "tolworthgazette.example"
RELATED_COPIES = [("westcountrynews-buses", "penwithenpost-buses"),
                  ("coastlineecho-seal", "wildlifetoday-seal")]

_GAZETTE_CHROME = [
    "Share this article",
    "Sign up to the Tolworth Quay Gazette daily newsletter for the stories that matter to you.",
]


def related_block_page() -> list[Record]:
    """A local story (unique) + chrome + a related block holding the bus and seal stories in
    full; each of those also run alone by two outlets (``RELATED_COPIES``)."""
    page = (ORCHARD + _GAZETTE_CHROME + ["Related Articles", "Villages lose buses as routes axed"]
            + BUSES + ["Rescued seal pup Biscuit returns to the sea"] + SEAL)
    return [
        _rec(RELATED_PAGE_ID, RELATED_PAGE_OUTLET, "Pupils plant the town's first orchard", page,
             "2026-01-20T10:00:00Z"),
        _rec("westcountrynews-buses", "westcountrynews.example",
             "Twelve rural bus routes cut or reduced", BUSES, "2026-01-19T08:00:00Z"),
        _rec("penwithenpost-buses", "penwithenpost.example",
             "Villages face losing their only bus", BUSES[:-1], "2026-01-19T09:30:00Z"),
        _rec("coastlineecho-seal", "coastlineecho.example",
             "Seal pup freed from net is back in the wild", SEAL, "2026-01-18T12:00:00Z"),
        _rec("wildlifetoday-seal", "wildlifetoday.example",
             "Biscuit the seal swims free", SEAL[:-1], "2026-01-18T15:00:00Z"),
    ]


RELATED_WIRE_PAGE_ID = "dunmarraobserver-shipyard"
RELATED_WIRE_PAGE_OUTLET = "dunmarraobserver.example"
SHIPYARD_COPIES = ("scottishdaily-shipyard", "clydesidenews-shipyard")
BRIEF_COPIES = ("countytimes-bridge", "riversidepost-bridge")


def related_block_wire_page() -> list[Record]:
    """The page's own story is a wire story two other outlets also ran (``SHIPYARD_COPIES``);
    its related block holds a short brief two outlets ran (``BRIEF_COPIES``)."""
    page = (SHIPYARD + ["Share this article", "Advertisement", "Related Articles",
                        "Aldergate bridge to close for three weeks"] + BRIDGE_BRIEF)
    local = ("The Dunmarra yard last won a major naval order in 2009, and at its peak in the "
             "1970s employed more than six thousand people along the riverfront.")
    return [
        _rec(RELATED_WIRE_PAGE_ID, RELATED_WIRE_PAGE_OUTLET,
             "Frigate order saves Dunmarra yard", page, "2026-04-06T12:00:00Z"),
        _rec("scottishdaily-shipyard", "scottishdaily.example",
             "Shipyard lands 1.4bn frigate deal", SHIPYARD[:-1], "2026-04-06T10:30:00Z"),
        _rec("clydesidenews-shipyard", "clydesidenews.example",
             "1,700 jobs secured by frigate contract",
             SHIPYARD[:5] + [local] + SHIPYARD[5:], "2026-04-06T11:15:00Z"),
        _rec("countytimes-bridge", "countytimes.example",
             "Aldergate swing bridge shuts for repairs", BRIDGE_BRIEF, "2026-04-05T16:00:00Z"),
        _rec("riversidepost-bridge", "riversidepost.example",
             "Six-mile diversion as bridge closes", BRIDGE_BRIEF, "2026-04-05T17:40:00Z"),
    ]


# --- 4. A wire paragraph quoted in live pages and a digest ------------------------------------
# A key paragraph of a wire story turns up verbatim in unrelated live pages and digests. It
# recurs across articles that share nothing else, which is what chrome looks like; but it is
# news, and learning it as boilerplate strips it from every copy of the story.

RESIGNATION = _story("""
LONDON (PA) - Health minister Alasdair Crane resigned on Wednesday after an inquiry found he had
failed to declare his family's stake in a company that won contracts worth 86 million pounds to
supply hospital beds.

The independent adviser on ministerial standards, Dame Frances Whitlow, concluded that Mr Crane
had breached the ministerial code on three occasions between 2023 and last autumn, although she
found no evidence that he had influenced the award of the contracts himself.

In a letter to the Prime Minister released shortly after noon, Mr Crane said: 'I have always
believed that I acted in good faith, but I accept the adviser's findings in full. It is clear to
me that I can no longer serve in government without becoming a distraction from the work of the
department, and so I am stepping down with immediate effect.'

Downing Street said the Prime Minister had accepted the resignation 'with regret' and thanked Mr
Crane for his work on cutting waiting lists. A replacement is expected to be named by the end of
the day.

The company at the centre of the case, Marlowe Medical Supplies, was founded by Mr Crane's
brother-in-law in 2019 and won its first framework contract eighteen months later. Mr Crane's
wife held a 12 per cent shareholding through a family trust until March.

Dame Frances said the minister had been advised by civil servants to list the holding in his
register of interests but had failed to do so, an omission she called 'serious and sustained'
rather than a simple oversight.

Opposition health spokeswoman Nadia Rahman said the resignation was overdue and called for the
contracts to be reviewed by the National Audit Office. 'Patients deserve to know that every
pound spent on their care was spent properly,' she said.

Marlowe Medical Supplies said in a statement that it had won its contracts through open
competition and would cooperate fully with any review.
""")

QUOTED_PARAGRAPH = RESIGNATION[2]
QUOTED_MARK = "can no longer serve in government without becoming a distraction"
RESIGNATION_COPIES = ["pa-crane", "northstar-crane", "midlandsmirror-crane", "capitalpost-crane",
                      "cityevening-crane", "borderchronicle-crane"]
QUOTING_PAGES = ["northstar-live", "midlandsmirror-live", "capitalpost-live", "dailydigest-crane"]

CHROME = {
    "northstar.example": {
        "newsletter": "Get the North Star morning briefing in your inbox: sign up for our free "
                      "daily newsletter here.",
        "advert": "Advertisement",
        "comments": "Join the conversation: comments are moderated and may take up to an hour "
                    "to appear.",
    },
    "midlandsmirror.example": {
        "newsletter": "Want more stories like this? Sign up to the Midlands Mirror newsletter "
                      "and never miss a headline.",
        "advert": "ADVERTISEMENT",
        "comments": "We want to hear from you. Leave a comment below or email the newsdesk "
                    "with your views.",
    },
    "capitalpost.example": {
        "newsletter": "Sign up for Capital Post Politics, the essential guide to Westminster, "
                      "delivered every weekday at 7am.",
        "advert": "Advertisement",
        "comments": "Comments on this story have been switched off for legal reasons.",
    },
}


def _with_chrome(outlet: str, paras: list[str]) -> list[str]:
    c = CHROME[outlet]
    cut = min(2, len(paras))
    mid = min(4, len(paras))
    return (paras[:cut] + [c["newsletter"]] + paras[cut:mid] + [c["advert"]] + paras[mid:]
            + [c["comments"]])


_LIVE_INTROS = {
    "northstar.example": "Alasdair Crane has resigned as health minister after the standards "
                         "adviser's report. Here is the key passage from his resignation letter:",
    "midlandsmirror.example": "Breaking: health minister Alasdair Crane, whose constituency "
                              "borders our patch, has quit. He said in his letter:",
    "capitalpost.example": "Crane's resignation letter has now been published. The central "
                           "paragraph reads:",
}

_LIVE_OTHER_ITEMS = {
    "northstar.example": [
        ("09:05", "The Chancellor, Priya Sandhu, has confirmed that the spring statement will go "
                  "ahead on 18 March despite calls from backbenchers to delay it until the new "
                  "fiscal rules are published. Treasury officials told reporters the independent "
                  "forecasts had already been commissioned and that moving the date would cost "
                  "the department several weeks."),
        ("10:20", "Polls have opened in the Hatherley and Stowe by-election, triggered by the "
                  "death of the long-serving MP Bernard Quayle in January. Seven candidates are "
                  "standing. Turnout at the last general election was 64 per cent, but party "
                  "organisers expect fewer than half of voters to take part on a cold, wet day."),
        ("11:40", "The transport select committee has heard that the new signalling system on "
                  "the northern rail network will be at least two years late. The network's "
                  "chief engineer, Dev Malhotra, told MPs the supplier had underestimated the "
                  "work needed to connect the old and new control rooms."),
        ("13:30", "The Speaker has granted an urgent question on prison overcrowding, to be "
                  "heard after Prime Minister's Questions. The justice secretary is expected to "
                  "announce that a further 600 temporary cells will be built inside the walls "
                  "of existing jails."),
    ],
    "midlandsmirror.example": [
        ("08:15", "The A4190 between Kettleby and Brandon Cross is closed in both directions "
                  "after a lorry shed its load of timber near the Fosse roundabout. Police said "
                  "nobody had been hurt but the clear-up would take most of the morning, and "
                  "drivers should use the lanes through Old Sandby instead."),
        ("09:50", "Fans of Kettleby Town have been told they can keep their season tickets after "
                  "the club's new owners dropped plans to move home matches to a temporary "
                  "ground while the stand roof is repaired."),
        ("11:05", "A primary school in Brandon Cross has been rated outstanding by inspectors "
                  "for the first time, two years after being placed in special measures. "
                  "Inspectors praised its teaching of reading and the 'calm and purposeful' "
                  "atmosphere in its classrooms."),
        ("14:45", "A yellow warning for ice is in force from 6pm until 10am tomorrow across the "
                  "region, with temperatures forecast to fall to minus five in rural areas and "
                  "gritters out on every main route overnight."),
    ],
    "capitalpost.example": [
        ("08:30", "Downing Street has refused to say whether the Prime Minister will attend the "
                  "summit of northern European leaders in Vessbergen next week, saying only that "
                  "the diary had not yet been finalised."),
        ("10:00", "Opposition MPs have written to the Cabinet Secretary demanding publication of "
                  "the minutes of a meeting between ministers and energy company bosses last "
                  "month, at which a windfall levy was reportedly discussed."),
        ("11:15", "The House of Lords has voted by 212 to 181 to amend the Planning and Housing "
                  "Bill, forcing developers to include community allotments on sites of more "
                  "than 200 homes. The government is expected to overturn the amendment when the "
                  "bill returns to the Commons."),
        ("15:10", "Former home secretary Lady Edmonds has announced she will stand down at the "
                  "next election after 27 years in Parliament, telling her constituency "
                  "association it was time for 'fresh legs and a fresh voice'."),
    ],
}

_DIGEST = [
    "Your morning digest: five things to know this Thursday",
    "Health minister quits. Alasdair Crane resigned after a standards inquiry into his family's "
    "links to a hospital bed supplier. He wrote:",
    QUOTED_PARAGRAPH,
    "Markets. Shares in Hollingworth Foods fell 14 per cent after the supermarket supplier "
    "warned that a wet harvest would cut its profits by a fifth.",
    "Sport. Emeka Adeyemi became the youngest batter to score a century at the Marlow Oval, "
    "reaching three figures off 97 balls at the age of 18.",
    "Weather. A band of heavy snow will cross the northern hills overnight, with up to 15cm "
    "possible above 300 metres.",
    "And finally. A tortoise that went missing from a garden in Ashby Lacey in 1987 has been "
    "found alive two streets away, according to its owner's daughter.",
]

# Three unrelated stories per live-page outlet, each printed with that outlet's chrome.
_OUTLET_STORIES = {
    "northstar.example": [
        ("ferry", "Islanders stranded after ferry grounding", FERRY),
        ("library", "Queues in the rain as Bramwell library reopens", LIBRARY),
        ("buses", "Villages cut off as bus routes go", BUSES),
    ],
    "midlandsmirror.example": [
        ("frog", "The frog that clicks: new species found", FROG),
        ("football", "Moody named Rovers boss", FOOTBALL),
        ("seal", "Net-tangled seal pup nursed back to health", SEAL),
    ],
    "capitalpost.example": [
        ("hosepipe", "Hosepipe ban: what you can and cannot do", HOSEPIPE),
        ("orchard", "Schoolchildren plant community orchard", ORCHARD),
        ("shipyard", "Frigate contract secures 1,700 yard jobs", SHIPYARD),
    ],
}


def quoted_paragraph_corpus() -> list[Record]:
    """The resignation story (agency original and five outlet copies, ``RESIGNATION_COPIES``);
    three outlets' live pages and a digest quoting its third paragraph (``QUOTING_PAGES``); and
    three unrelated stories per live-page outlet carrying that outlet's chrome (``CHROME``)."""
    day = "2026-11-04"
    r = RESIGNATION
    records = [
        _rec("pa-crane", "pa.example", "Health minister resigns over hospital bed contracts", r,
             f"{day}T12:20:00Z"),
        _rec("northstar-crane", "northstar.example", "Crane quits over undeclared family stake",
             _with_chrome("northstar.example", r), f"{day}T12:45:00Z"),
        _rec("midlandsmirror-crane", "midlandsmirror.example",
             "Local MP Crane resigns as health minister",
             _with_chrome("midlandsmirror.example", r[:6]), f"{day}T13:10:00Z"),
        _rec("capitalpost-crane", "capitalpost.example", "Crane out: minister breached code",
             _with_chrome("capitalpost.example", r), f"{day}T12:50:00Z"),
        _rec("cityevening-crane", "cityevening.example", "Minister falls on his sword",
             r[:7], f"{day}T14:00:00Z"),
        _rec("borderchronicle-crane", "borderchronicle.example",
             "Bed contracts row claims health minister", r[:5], f"{day}T15:30:00Z"),
    ]
    titles = {"northstar.example": "UK politics live: health minister quits over contracts",
              "midlandsmirror.example": "Midlands live: traffic, weather and the day's news",
              "capitalpost.example": "Westminster live: the latest from Parliament"}
    for outlet, items in _LIVE_OTHER_ITEMS.items():
        lines: list[str] = []
        timed = items[:3] + [("12:30", "")] + items[3:]
        for time, item in timed:
            lines.append(time)
            if item:
                lines.append(item)
            else:
                lines.extend([_LIVE_INTROS[outlet], QUOTED_PARAGRAPH])
        lines = _with_chrome(outlet, lines)
        name = outlet.split(".")[0]
        records.append(_rec(f"{name}-live", outlet, titles[outlet], lines, f"{day}T16:00:00Z"))
    records.append(_rec("dailydigest-crane", "dailydigest.example",
                        "Morning digest: Crane quits, snow on the way", _DIGEST,
                        "2026-11-05T06:00:00Z"))
    for outlet, stories in _OUTLET_STORIES.items():
        name = outlet.split(".")[0]
        for n, (key, title, paras) in enumerate(stories):
            records.append(_rec(f"{name}-{key}", outlet, title, _with_chrome(outlet, paras),
                                f"2026-11-0{n + 1}T09:00:00Z"))
    return records


# --- 5. A caption printed twice --------------------------------------------------------------
# Some templates print the lead photo's caption under the photo and again in a gallery further
# down. A line repeated inside one article is page furniture, not text the agency wrote.

FIRE = _story("""
Fire crews spent more than nine hours tackling a blaze that destroyed a furniture warehouse on
the Ostley trading estate, sending a column of black smoke across the town for most of Tuesday.

At the height of the fire, fifteen engines and around ninety firefighters were at the scene, and
residents within a mile were told to keep their doors and windows shut. An aerial ladder
platform was brought in from Castlegate to pour water onto the collapsing roof.

West Ridings Fire and Rescue Service said the alarm was raised by a security guard at 4.12am.
All eleven staff on the night shift had left the building before the first crews arrived, and no
injuries were reported.

Group manager Shona Pickles said the size of the building and the stock inside, mostly foam
mattresses and sofas, made the fire spread extremely quickly. 'When our crews arrived the flames
had already broken through the roof, and our priority became stopping them from reaching the
units on either side,' she said.

Firefighters succeeded in saving a neighbouring bakery and a tyre depot, although both suffered
smoke damage and were closed for the day.

The warehouse belonged to Hallam & Rudd, a family firm that supplies independent furniture shops
across the north of England. Director Philip Rudd said the company was 'devastated' but intended
to rebuild on the same site and would keep paying its forty-two employees.

Several roads around the estate were closed until the evening, and bus services were diverted
away from the area.

An investigation into the cause will begin once the site has been made safe. The fire service
said there was nothing at this stage to suggest the blaze was started deliberately.
""")

CAPTION = ("Firefighters at the scene of the warehouse blaze in Ostley on Tuesday. "
           "(Photo: Tom Hargreave/Ridings Press Agency)")
CAPTION_IDS = ("ridings-fire", "ostleyexaminer-fire")


def caption_twice() -> list[Record]:
    """The agency's fire story and an outlet copy that prints ``CAPTION`` twice (after the first
    and after the fourth paragraph) and drops the last two paragraphs."""
    copy = FIRE[:1] + [CAPTION] + FIRE[1:4] + [CAPTION] + FIRE[4:6]
    return [
        _rec("ridings-fire", "ridingspress.example", "Warehouse destroyed in nine-hour blaze",
             FIRE, "2026-10-13T10:00:00Z"),
        _rec("ostleyexaminer-fire", "ostleyexaminer.example",
             "Smoke over Ostley as furniture warehouse burns", copy, "2026-10-13T12:30:00Z"),
    ]


# --- 6. A copy-edited reprint -----------------------------------------------------------------
# A foreign reprint of a wire story, edited to house style throughout: tense, spelling, honorifics
# and a legal hedge. Every sentence keeps its content, yet the small edits are dense enough to
# break most word 5-grams.

TRIAL = _story("""
A former finance director of the Harrowgate Youth Trust allegedly helped divert more than 2
million pounds from a government apprenticeship programme into a web of shell companies, a court
has heard.

Prosecutor Eleanor Voss says Mr Pendleton-Ward, 54, signed off invoices for training courses
that never took place at the organisation's centre in Coldmarsh between 2019 and 2022.

The programme paid the trust for every young person it placed with an employer. Ms Voss says the
organisation claimed for hundreds of placements that existed only on paper, at a time when
labour shortages meant firms were desperate for trainees.

Mr Pendleton-Ward denies fraud and money laundering. His defence team says he was misled by the
trust's chief executive, Graham Oyelaran, who died in 2023, and that he raised concerns about
the accounts with the board on at least two occasions.

The jury was told that the money passed through four companies registered at the same address
above a dry cleaner's in Coldmarsh town centre. One of them, Meridian Skills Ltd, allegedly
helped disguise the payments as consultancy fees. Ms Voss says Mr Pendleton-Ward's brother was
listed as its sole director.

The court heard that Mr Pendleton-Ward's salary rose by a third in 2021, the year the
programme's payments peaked, and that he bought a holiday flat on the Algarve the following
spring. Ms Voss says the purchase was funded in part by a loan from Meridian Skills that was
never repaid.

A former trainee, who cannot be named for legal reasons, told the court she had visited the
centre only once, for a morning's induction, yet records show the organisation was paid for a
full year of her training.

Ms Voss says the trust's auditors questioned its labour costs in 2021, but the board accepted Mr
Pendleton-Ward's explanation that the programme had expanded into a second centre in Harlow
Moor. No such centre existed, she says.

In cross-examination, defence barrister Julian Mbeki asked a detective whether any email showed
his client receiving money. Detective Sergeant Ruth Calloway says investigators found transfers
to an account in his brother's name but none to Mr Pendleton-Ward himself.

Character witnesses for the defence are expected to give evidence next week, among them a former
mayor of Coldmarsh who sat on the trust's board for six years.

The organisation was wound up by the Charity Commission in 2023 and its centre sold to a housing
association. The trial, expected to last six weeks, continues.
""")

_AMERICANISE = (
    ("allegedly helped divert", "is accused of helping divert"),
    ("allegedly helped disguise", "is accused of helping disguise"),
    (" says", " said"),
    ("organisation", "organization"),
    ("centre", "center"),
    ("labour", "labor"),
    ("programme", "program"),
    ("defence", "defense"),
    ("Mr Pendleton-Ward", "Pendleton-Ward"),
    ("Ms Voss", "Voss"),
)

REPRINT_IDS = ("pa-trial", "gothamledger-trial")


def copy_edited_reprint() -> list[Record]:
    """The trial story and a reprint edited to American house style throughout, with a context
    paragraph added at the top and another at the end."""
    edited = _edit(TRIAL, *_AMERICANISE)
    top = ("LONDON - A British charity case that has drawn comparisons with the scandals over "
           "pandemic relief loans opened this week before a jury at Coldmarsh Crown Court.")
    end = ("Britain's training subsidies have been reviewed repeatedly since 2020, after "
           "auditors warned that checks on the providers that receive them were too weak.")
    return [
        _rec("pa-trial", "pa.example", "Charity finance chief 'diverted 2m from apprentice "
             "scheme'", TRIAL, "2026-05-19T15:00:00Z"),
        _rec("gothamledger-trial", "gothamledger.example",
             "British charity executive accused of siphoning training funds",
             [top] + edited + [end], "2026-05-19T21:00:00Z"),
    ]


# --- 7. A write-through with a new lede -------------------------------------------------------
# An agency rewrites the top of a developing story as facts change and keeps the rest. The two
# versions are successive reports, not an outlet's copy of one text.

LANDSLIDE = _story("""
SAN TELMO DE LAS ROCAS, Veradia (AP) - A landslide triggered by days of torrential rain buried
at least fifteen homes in a mountain village in western Veradia early Friday, and authorities
said a dozen people were missing, among them several children who had been sleeping in houses at
the foot of the slope.

The hillside above San Telmo gave way shortly before 3 a.m., sending a torrent of mud, trees and
boulders the size of cars through the lower half of the village while most residents were
asleep, regional civil protection chief Marta Quiroga told reporters by telephone. She said the
slide had swept away the village school and a small chapel and that rescuers were still trying
to reach homes on the far side of the ravine.

Neighbors dug through the debris with shovels and bare hands until soldiers arrived from a base
in Valderrama about four hours later. Heavy machinery could not reach the village because the
only road was blocked by a second slide farther down the valley.

'We heard a noise like thunder that did not stop, and when we went outside the houses below ours
were gone,' said Esteban Ruiz, a 58-year-old coffee farmer whose brother's family lived in the
lower village.

The national weather service said more than 300 millimeters of rain had fallen on the area in
the past five days, nearly three times the usual amount for the whole of May.

President Adriana Montalvo said she had ordered the armed forces and the health ministry to send
all available resources, and that she would travel to the area as soon as conditions allowed.

Veradia has suffered a series of deadly landslides in recent years as heavier rainfall and the
clearing of forests for farmland have weakened mountainsides. In 2019, a slide in the
neighboring province of Alto Rimac killed 41 people.
""")

_NEW_LEDE = _story("""
SAN TELMO DE LAS ROCAS, Veradia (AP) - Rescuers pulled three children alive from the wreckage of
their home on Friday afternoon, more than ten hours after a rain-soaked mountainside collapsed
onto a village in western Veradia, but the confirmed death toll climbed to nine and at least
seven people remained unaccounted for.

Soldiers and volunteers cheered as the siblings, aged between four and eleven, were lifted from
a pocket beneath a fallen concrete roof and carried to a helicopter waiting on the village
football pitch. Marta Quiroga, who heads civil protection in the region, said the children were
dehydrated and bruised but conscious, and that a fourth child found with them had died.
""")

_MIDDLE = ("By late afternoon, engineers had cleared one lane of the road below the village, "
           "allowing two excavators and a convoy of ambulances to reach San Telmo for the first "
           "time since the disaster.")

WRITE_THROUGH_IDS = ("ap-landslide", "ap-landslide-update")


def write_through() -> list[Record]:
    """The first landslide report and the agency's write-through: a new two-paragraph lede, one
    paragraph added in the middle, the rest as it was."""
    later = _NEW_LEDE + LANDSLIDE[2:5] + [_MIDDLE] + LANDSLIDE[5:]
    return [
        _rec("ap-landslide", "ap.example", "Landslide buries homes in Veradia village; 12 missing",
             LANDSLIDE, "2026-05-22T11:40:00Z"),
        _rec("ap-landslide-update", "ap.example",
             "Three children rescued alive as Veradia landslide toll rises to 9", later,
             "2026-05-22T21:15:00Z"),
    ]
