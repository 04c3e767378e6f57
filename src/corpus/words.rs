//! Word lists for generated Local Offer pages: routes, topics, places and a body
//! vocabulary ordered from the most to the least common word, so that sampling by rank
//! gives Zipf-like term frequencies.

/// The site's routes: slug and label, in navigation order.
pub const SECTIONS: [(&str, &str); 8] = [
    ("education-and-learning", "Education and learning"),
    ("health-and-wellbeing", "Health and wellbeing"),
    ("social-care", "Social care"),
    ("preparing-for-adulthood", "Preparing for adulthood"),
    ("advice-and-support", "Advice and support"),
    ("family-life-and-leisure", "Family life and leisure"),
    ("money-and-benefits", "Money and benefits"),
    ("early-years", "Early years"),
];

/// One topic a Local Offer has pages about: its name, the acronym families type for it,
/// the route it sits under (index into [`SECTIONS`]) and words that go with it.
pub struct TopicSeed {
    pub name: &'static str,
    pub acronym: Option<&'static str>,
    pub section: usize,
    pub related: &'static [&'static str],
}

const fn topic(
    name: &'static str,
    acronym: Option<&'static str>,
    section: usize,
    related: &'static [&'static str],
) -> TopicSeed {
    TopicSeed {
        name,
        acronym,
        section,
        related,
    }
}

pub const TOPICS: &[TopicSeed] = &[
    topic(
        "EHC needs assessment",
        Some("EHCNA"),
        0,
        &["request", "evidence", "weeks", "decision", "assessment"],
    ),
    topic(
        "Education, health and care plans",
        Some("EHCP"),
        0,
        &["plan", "outcomes", "provision", "draft", "named school"],
    ),
    topic(
        "Annual reviews",
        None,
        0,
        &["review", "meeting", "outcomes", "amend", "plan"],
    ),
    topic(
        "SEN support in school",
        Some("SEN"),
        0,
        &[
            "teacher",
            "classroom",
            "plan",
            "review",
            "graduated response",
        ],
    ),
    topic(
        "Inclusion funding",
        None,
        0,
        &["funding", "application", "setting", "panel", "top-up"],
    ),
    topic(
        "School transport",
        None,
        0,
        &["travel", "bus", "taxi", "eligibility", "distance"],
    ),
    topic(
        "Post-16 transport",
        None,
        3,
        &["college", "travel", "contribution", "policy", "bus pass"],
    ),
    topic(
        "Special schools",
        None,
        0,
        &[
            "places",
            "admissions",
            "specialist",
            "visit",
            "consultation",
        ],
    ),
    topic(
        "Alternative provision",
        Some("AP"),
        0,
        &["pupil referral unit", "tuition", "placement", "exclusion"],
    ),
    topic(
        "Exclusions from school",
        None,
        0,
        &["suspension", "governors", "appeal", "reintegration"],
    ),
    topic(
        "Elective home education",
        Some("EHE"),
        0,
        &["home", "curriculum", "visit", "deregistration"],
    ),
    topic(
        "Special educational needs co-ordinators",
        Some("SENCO"),
        0,
        &["school", "teacher", "meeting", "support plan"],
    ),
    topic(
        "Emotionally based school avoidance",
        Some("EBSA"),
        0,
        &["anxiety", "attendance", "return", "wellbeing"],
    ),
    topic(
        "Speech and language therapy",
        Some("SALT"),
        1,
        &["communication", "referral", "clinic", "therapist"],
    ),
    topic(
        "Occupational therapy",
        Some("OT"),
        1,
        &["equipment", "handwriting", "sensory", "therapist"],
    ),
    topic(
        "Physiotherapy",
        None,
        1,
        &["movement", "exercise", "clinic", "equipment"],
    ),
    topic(
        "Child and adolescent mental health services",
        Some("CAMHS"),
        1,
        &["mental health", "referral", "anxiety", "waiting list"],
    ),
    topic(
        "Autism assessment",
        Some("ASD"),
        1,
        &[
            "autism",
            "diagnosis",
            "neurodevelopmental pathway",
            "referral",
        ],
    ),
    topic(
        "ADHD assessment",
        Some("ADHD"),
        1,
        &["attention", "diagnosis", "medication", "questionnaire"],
    ),
    topic(
        "Hearing impairment",
        Some("HI"),
        1,
        &["deaf", "hearing aids", "audiology", "teacher of the deaf"],
    ),
    topic(
        "Visual impairment",
        Some("VI"),
        1,
        &["sight", "braille", "mobility", "low vision"],
    ),
    topic(
        "Wheelchair services",
        None,
        1,
        &["wheelchair", "seating", "repairs", "assessment"],
    ),
    topic(
        "Continence service",
        None,
        1,
        &["toileting", "products", "nurse", "clinic"],
    ),
    topic(
        "Epilepsy nursing",
        None,
        1,
        &["seizures", "nurse", "care plan", "medication"],
    ),
    topic(
        "Dyslexia",
        None,
        0,
        &["reading", "spelling", "screening", "literacy"],
    ),
    topic(
        "Sensory processing",
        None,
        1,
        &["sensory", "noise", "routines", "occupational therapy"],
    ),
    topic(
        "Short breaks",
        None,
        2,
        &["activities", "clubs", "overnight", "break from caring"],
    ),
    topic(
        "Direct payments",
        Some("DP"),
        2,
        &["payment", "personal assistant", "account", "budget"],
    ),
    topic(
        "Personal budgets",
        Some("PB"),
        2,
        &["budget", "plan", "money", "provision"],
    ),
    topic(
        "Children with disabilities team",
        None,
        2,
        &["social worker", "assessment", "care", "family"],
    ),
    topic(
        "Carers assessment",
        None,
        2,
        &["carer", "assessment", "needs", "support plan"],
    ),
    topic(
        "Personal assistants",
        None,
        2,
        &["employ", "direct payment", "training", "agency"],
    ),
    topic(
        "Preparing for adulthood",
        Some("PfA"),
        3,
        &["transition", "adult", "independence", "employment"],
    ),
    topic(
        "Supported internships",
        Some("SI"),
        3,
        &["employer", "job coach", "college", "work"],
    ),
    topic(
        "Apprenticeships",
        None,
        3,
        &["employer", "training", "wage", "qualification"],
    ),
    topic(
        "Further education colleges",
        Some("FE"),
        3,
        &["college", "course", "learning support", "post-16"],
    ),
    topic(
        "Supported living",
        None,
        3,
        &["housing", "tenancy", "support", "independence"],
    ),
    topic(
        "Moving to adult social care",
        None,
        3,
        &["transition", "adult", "assessment", "eighteen"],
    ),
    topic(
        "SEND information, advice and support service",
        Some("SENDIASS"),
        4,
        &["impartial", "advice", "casework", "helpline"],
    ),
    topic(
        "Parent carer forum",
        None,
        4,
        &["parents", "carers", "coffee morning", "co-production"],
    ),
    topic(
        "Mediation",
        None,
        4,
        &["disagreement", "mediator", "certificate", "decision"],
    ),
    topic(
        "SEND tribunal appeals",
        Some("SENDIST"),
        4,
        &["tribunal", "appeal", "decision", "hearing"],
    ),
    topic(
        "Complaints",
        None,
        4,
        &["complaint", "ombudsman", "response", "stage"],
    ),
    topic(
        "Jargon buster",
        None,
        4,
        &["glossary", "acronyms", "terms", "meaning"],
    ),
    topic(
        "Holiday activities and food",
        Some("HAF"),
        5,
        &["holiday", "activities", "meals", "free places"],
    ),
    topic(
        "Youth clubs",
        None,
        5,
        &["club", "evening", "friends", "young people"],
    ),
    topic(
        "Sport and leisure",
        None,
        5,
        &["swimming", "sport", "leisure centre", "inclusive"],
    ),
    topic(
        "Play schemes",
        None,
        5,
        &["play", "holiday", "sessions", "staff"],
    ),
    topic(
        "Disability living allowance",
        Some("DLA"),
        6,
        &["benefit", "claim", "care component", "mobility"],
    ),
    topic(
        "Personal independence payment",
        Some("PIP"),
        6,
        &["benefit", "claim", "assessment", "daily living"],
    ),
    topic(
        "Blue badge",
        None,
        6,
        &["parking", "application", "badge", "mobility"],
    ),
    topic(
        "Carers allowance",
        None,
        6,
        &["benefit", "carer", "hours", "claim"],
    ),
    topic(
        "Free school meals",
        None,
        6,
        &["meals", "eligibility", "school", "application"],
    ),
    topic(
        "Early years inclusion funding",
        Some("EYIF"),
        7,
        &["nursery", "funding", "setting", "application"],
    ),
    topic(
        "Portage",
        None,
        7,
        &["home visits", "play", "under-fives", "family"],
    ),
    topic(
        "Nursery places",
        None,
        7,
        &["nursery", "hours", "childminder", "funded"],
    ),
    topic(
        "Two-year-old funding",
        None,
        7,
        &["funded", "hours", "eligibility", "nursery"],
    ),
    topic(
        "Early years SEN support",
        Some("EYSEN"),
        7,
        &["setting", "keyworker", "plan", "development"],
    ),
    topic(
        "Graduated response",
        None,
        0,
        &["assess", "plan", "do", "review"],
    ),
    topic(
        "Social, emotional and mental health",
        Some("SEMH"),
        1,
        &["behaviour", "wellbeing", "anxiety", "support"],
    ),
    topic(
        "Travel training",
        None,
        3,
        &["independent travel", "bus", "confidence", "routes"],
    ),
    topic(
        "Equipment and adaptations",
        None,
        2,
        &["adaptations", "grant", "equipment", "home"],
    ),
];

/// Syllables that make place names: the first part and the second.
pub const PLACE_STARTS: &[&str] = &[
    "Ash", "Birch", "Brook", "Clay", "Elm", "Fern", "Glen", "Hazel", "Holly", "Kings", "Lark",
    "Marsh", "Mill", "Oak", "Pen", "Queens", "Red", "Rose", "Salt", "Stone", "Thorn", "Water",
    "West", "Whit", "Willow", "Wood", "Yew", "North", "East", "Fair",
];
pub const PLACE_ENDS: &[&str] = &[
    "bury", "combe", "dale", "field", "ford", "gate", "ham", "hill", "hurst", "ley", "mead",
    "minster", "moor", "port", "stead", "ton", "wick", "worth", "well", "bridge",
];

/// What a generated service or place is: "Ashford Children's Centre".
pub const PLACE_KINDS: &[&str] = &[
    "Children's Centre",
    "Family Hub",
    "Primary School",
    "Academy",
    "Community School",
    "Leisure Centre",
    "Library",
    "Youth Centre",
    "Health Centre",
    "Special School",
    "College",
    "Surgery",
];

pub const AUDIENCES: &[&str] = &[
    "under-fives",
    "primary school children",
    "teenagers",
    "young adults",
    "parents and carers",
    "schools",
    "professionals",
    "grandparents",
    "brothers and sisters",
];

pub const TITLE_LEADS: &[&str] = &[
    "Applying for",
    "Paying for",
    "Getting help with",
    "Questions about",
    "Changes to",
    "Waiting times for",
    "Eligibility for",
    "A guide to",
];

pub const HEADINGS: &[&str] = &[
    "Who can get help",
    "How to apply",
    "What happens next",
    "How long it takes",
    "What it costs",
    "Contact us",
    "If you disagree",
    "What families say",
    "Before you start",
    "Opening times",
    "Where to find us",
    "Frequently asked questions",
    "Getting there",
    "Your rights",
    "Useful links",
];

pub const DOCUMENT_KINDS: &[&str] = &[
    "application form",
    "guide for families",
    "policy",
    "leaflet",
    "referral form",
    "annual report",
    "checklist",
];

/// The body vocabulary, most common first. Sampled by rank with a Zipf distribution, the
/// first words make up most of the text and the last ones are rare, as in real pages.
pub const BODY_WORDS: &str = "\
the and to of a you your for in is can or child be with are this on if we will they \
children young people support help school will not it need at by have from who an their \
may our about more what how as do there when which should also get any family families \
parents carers needs service services information other all some special educational \
plan time make please one this that care health each must would been has where so up \
out than then them these those into only very most such just like over after before \
ask call contact team local council offer disabled disability learning education \
setting settings provision assessment review meeting staff advice talk tell find use \
work working home day week weeks month year years age aged between under over able \
different same new right best good well first next last two three four five many much \
include including includes give gives given take takes taken see seen know want feel \
place places area areas group groups club clubs activity activities session sessions \
referral refer referred apply application form forms decision decide agreed agree \
outcome outcomes progress targets goals strengths difficulties condition diagnosis \
needs-led specialist therapy therapist nurse doctor paediatrician clinic hospital \
appointment letter report reports evidence records consent share shared sharing \
transport travel journey bus taxi route driver escort pass distance miles walking \
funding budget payment payments money cost costs free charge charges contribution \
benefit benefits claim allowance eligible eligibility criteria qualify entitled \
college course courses training employment job jobs work-based apprenticeship skills \
independence independent living housing adult adults adulthood transition moving \
autism autistic adhd dyslexia dyspraxia anxiety behaviour communication speech \
language sensory hearing sight mobility physical medical epilepsy wheelchair equipment \
mental wellbeing emotional social friendships confidence routine routines change \
changes worried worry concerns concern problem problems issue issues complaint \
tribunal appeal mediation disagreement rights law legal duty duties code practice \
headteacher teacher teachers teaching assistant classroom lessons curriculum pupils \
pupil student students nursery nurseries childminder preschool reception primary \
secondary sixth form post-16 under-fives toddler baby babies brothers sisters siblings \
carer carers break breaks respite overnight holiday holidays summer weekend evenings \
parks playground swimming sport sports music art drama cooking gardening outdoor \
library libraries leisure centre centres community voluntary charity charities \
volunteers forum forums coffee morning mornings drop-in workshop workshops course \
online website page pages leaflet guide booklet video phone email address postcode \
open closed monday tuesday wednesday thursday friday saturday sunday morning afternoon \
booking book booked waiting list lists queue soon quickly usually often sometimes \
always never rarely already still again together alone around across through during \
within without because although however therefore instead perhaps probably likely \
important useful helpful easy difficult hard simple clear short long small large \
whole part full extra additional further general personal private public national \
early later annual regular ongoing current previous future recent updated reviewed \
keyworker caseworker coordinator co-ordinator officer manager panel board governors \
ombudsman inspection ofsted quality standard standards policy policies procedure \
statutory graduated response provision-map pathway neurodevelopmental questionnaire \
screening observation observations strategies strategy approach approaches plan-do-review \
portage makaton signing braille audiology physiotherapy occupational continence \
seizures medication prescription dietitian feeding toileting sleeping sleep hygiene \
adaptations grants grant ramps hoists stairlift bathroom bedroom bedrooms tenancy \
landlord rent deposit internship internships mentor mentoring coach coaching employer \
employers volunteering wages wage interview interviews references qualifications \
exam exams access arrangements reader scribe laptop software typing handwriting \
reading writing spelling maths numbers phonics literacy numeracy homework timetable \
uniform lunchtime breaktime playtime transport-assistance home-to-school safeguarding \
wellbeing-check befriending buddy buddies peer peers mentors counselling counsellor \
psychologist psychology educational-psychologist assessment-report advice-report \
consultation consultations draft final amended amendments deadline deadlines days \
calendar statutory-timescale twenty weeks sixteen fifteen six eight ten twelve \
hundred pounds pence weekly monthly yearly termly term terms autumn spring inset \
";

/// Place names of generated pages also use these: they make the rare end of the vocabulary.
pub const STREET_WORDS: &[&str] = &[
    "Road", "Lane", "Street", "Avenue", "Close", "Way", "Drive", "Grove", "Park", "Square",
];
