"""The fixed word lists the world is generated from.

Everything random in the world is a seeded choice from these tuples, so changing a list changes every
world: treat them as data with a version, and keep them small (a few hundred words in all).
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Ben", "Carla", "Chen", "Dana", "David", "Diego", "Elena",
    "Emeka", "Eva", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jade", "James", "Jonas",
    "Julia", "Kai", "Kenji", "Lara", "Leo", "Lina", "Luca", "Maya", "Mateo", "Mei", "Mira", "Nadia",
    "Nina", "Noah", "Omar", "Oscar", "Priya", "Quinn", "Rafael", "Rosa", "Ruth", "Sam", "Sara", "Sofia",
    "Tariq", "Theo", "Uma", "Vera", "Victor", "Wen", "Yara", "Yusuf", "Zara", "Zoe",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Adeyemi", "Bauer", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
    "Hansen", "Ito", "Jensen", "Kato", "Khan", "Kowalski", "Larsen", "Lopez", "Mehta", "Moreau", "Murphy",
    "Nakamura", "Novak", "Okafor", "Olsen", "Park", "Patel", "Petrov", "Quinn", "Rossi", "Santos",
    "Schmidt", "Silva", "Singh", "Sato", "Tanaka", "Torres", "Nguyen", "Varga", "Wagner", "Walsh",
    "Weber", "Yilmaz", "Zhang", "Ziegler",
)  # fmt: skip

COMPANY_STEMS: tuple[str, ...] = (
    "Acme", "Aurora", "Bluefin", "Brightpath", "Cedar", "Cobalt", "Copperleaf", "Crescent", "Driftwood",
    "Evergreen", "Falcon", "Fernhill", "Granite", "Harbor", "Helix", "Ironwood", "Juniper", "Keystone",
    "Lakeside", "Lumen", "Maple", "Meridian", "Nimbus", "Northwind", "Oakridge", "Orbit", "Pinnacle",
    "Quartz", "Redwood", "Riverbend", "Sable", "Summit", "Tidewater", "Trailhead", "Vertex", "Willow",
    "Zenith", "Beacon", "Alder", "Silverline",
)  # fmt: skip

COMPANY_SUFFIXES: tuple[str, ...] = (
    "Analytics", "Foods", "Health", "Labs", "Logistics", "Media", "Systems", "Energy", "Robotics",
    "Financial", "Retail", "Software", "Manufacturing", "Partners", "Bio", "Networks",
)  # fmt: skip

COMPANY_FORMS: tuple[str, ...] = ("Inc.", "LLC", "GmbH", "Ltd", "S.A.", "Co.")

INDUSTRIES: tuple[str, ...] = (
    "software", "retail", "healthcare", "logistics", "manufacturing", "finance", "media", "energy",
    "education", "hospitality",
)  # fmt: skip

#: (city, region, country, postal code prefix)
CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Austin", "TX", "US", "787"), ("Boston", "MA", "US", "021"), ("Chicago", "IL", "US", "606"),
    ("Denver", "CO", "US", "802"), ("Seattle", "WA", "US", "981"), ("Atlanta", "GA", "US", "303"),
    ("Toronto", "ON", "CA", "M5V"), ("Vancouver", "BC", "CA", "V6B"), ("London", "England", "GB", "EC1"),
    ("Manchester", "England", "GB", "M1 "), ("Berlin", "Berlin", "DE", "101"),
    ("Munich", "Bavaria", "DE", "803"),
    ("Paris", "Ile-de-France", "FR", "750"), ("Lyon", "Rhone", "FR", "690"),
    ("Madrid", "Madrid", "ES", "280"),
    ("Lisbon", "Lisboa", "PT", "110"), ("Amsterdam", "North Holland", "NL", "101"),
    ("Stockholm", "Stockholm", "SE", "111"),
    ("Tokyo", "Tokyo", "JP", "100"), ("Singapore", "Singapore", "SG", "018"), ("Sydney", "NSW", "AU", "200"),
    ("Sao Paulo", "SP", "BR", "010"), ("Mexico City", "CDMX", "MX", "060"),
    ("Bangalore", "Karnataka", "IN", "560"),
)  # fmt: skip

#: Sales region of each country code.
REGIONS: dict[str, str] = {
    "US": "north_america", "CA": "north_america", "MX": "latam", "BR": "latam",
    "GB": "emea", "DE": "emea", "FR": "emea", "ES": "emea", "PT": "emea", "NL": "emea", "SE": "emea",
    "JP": "apac", "SG": "apac", "AU": "apac", "IN": "apac",
}  # fmt: skip

STREETS: tuple[str, ...] = (
    "Main Street", "Market Street", "Harbor Road", "Oak Avenue", "Station Road", "King Street",
    "Park Lane", "Mill Road", "River Drive", "Church Street", "High Street", "Elm Way", "Bridge Street",
    "Cedar Court", "Lake View", "Innovation Drive",
)  # fmt: skip

JOB_TITLES: tuple[str, ...] = (
    "CEO", "CTO", "CFO", "VP Engineering", "VP Sales", "Head of Operations", "IT Director",
    "Procurement Manager", "Product Manager", "Engineering Manager", "Data Analyst", "Office Manager",
)  # fmt: skip

#: The staff of the company running this world: account managers, engineers, authors.
STAFF: tuple[str, ...] = (
    "alice.morgan", "bruno.keller", "chloe.wong", "dmitri.ivanov", "esther.cohen", "fatima.ali",
    "george.baker", "hiro.tanaka", "isabel.reyes", "jack.oneill", "kavya.rao", "liam.brennan",
)  # fmt: skip

CUSTOMER_TAGS: tuple[str, ...] = (
    "beta-program", "reference", "at-risk", "expansion", "migration", "sso", "eu-data", "on-prem",
    "partner", "strategic",
)  # fmt: skip

PRODUCT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "sensors": ("Temperature Sensor", "Humidity Sensor", "Motion Sensor", "Pressure Gauge", "Flow Meter"),
    "gateways": ("Edge Gateway", "LTE Gateway", "Mesh Bridge", "Industrial Router"),
    "software": ("Fleet License", "Analytics Seat", "API Add-on", "Alerting Pack", "Data Retention Plan"),
    "services": (
        "Onboarding Package", "Premium Support", "Site Survey", "Training Day", "Custom Integration",
    ),
    "accessories": ("Mounting Kit", "Battery Pack", "Solar Panel", "Weatherproof Case", "Cable Set"),
}  # fmt: skip

PRODUCT_MODELS: tuple[str, ...] = ("Lite", "Pro", "Max", "S2", "X1", "Plus")

PROJECTS: dict[str, str] = {
    "API": "Public REST and webhook API",
    "WEB": "Customer web dashboard",
    "MOB": "Mobile apps",
    "BILL": "Billing and invoicing",
    "OPS": "Infrastructure and operations",
}  # fmt: skip

ISSUE_LABELS: tuple[str, ...] = (
    "bug", "regression", "performance", "security", "ux", "docs", "customer-reported", "data-loss",
    "integration", "tech-debt", "needs-triage", "good-first-issue",
)  # fmt: skip

#: Fragments issue titles are built from: "<problem> in <component>".
ISSUE_PROBLEMS: tuple[str, ...] = (
    "Timeout when exporting", "Wrong totals shown for", "Crash on startup of", "Slow response from",
    "Duplicate entries in", "Missing translations in", "Cannot save changes to", "Stale cache in",
    "Incorrect timezone in", "Rate limit too strict for", "Memory leak in", "Broken pagination in",
    "Add bulk edit to", "Support SSO login for", "Improve error messages in", "Add CSV export to",
)  # fmt: skip

COMPONENTS: tuple[str, ...] = (
    "invoice list", "device dashboard", "alert rules", "user settings", "webhook delivery",
    "report builder", "sensor history", "billing portal", "audit log", "firmware updates",
    "search index", "team permissions",
)  # fmt: skip

DOC_FOLDERS: tuple[str, ...] = ("runbooks", "design", "meeting-notes", "policies", "proposals", "postmortems")

#: Section headings per folder: the skeleton of each generated document.
DOC_SECTIONS: dict[str, tuple[str, ...]] = {
    "runbooks": ("Summary", "Symptoms", "Diagnosis", "Mitigation", "Escalation", "Verification", "History"),
    "design": ("Overview", "Background", "Goals", "Non-goals", "Proposed design", "Alternatives considered",
               "Rollout plan", "Risks", "Open questions"),
    "meeting-notes": ("Attendees", "Agenda", "Discussion", "Decisions", "Action items", "Next meeting"),
    "policies": ("Purpose", "Scope", "Policy", "Responsibilities", "Exceptions", "Enforcement", "Review"),
    "proposals": ("Executive summary", "Problem", "Proposal", "Costs", "Timeline", "Success metrics",
                  "Risks"),
    "postmortems": ("Summary", "Impact", "Timeline", "Root cause", "Resolution", "Lessons learned",
                    "Follow-up actions"),
}  # fmt: skip

#: Prose vocabulary: sentences are templates over these slots.
NOUNS: tuple[str, ...] = (
    "deployment", "customer", "dashboard", "pipeline", "service", "database", "gateway", "sensor", "alert",
    "invoice", "release", "migration", "cluster", "queue", "report", "integration", "contract", "workflow",
    "budget", "roadmap", "latency", "throughput", "backlog", "incident", "rollout", "schema", "endpoint",
    "cache", "index", "metric", "quota", "firmware", "account", "region", "vendor", "team", "process",
    "dataset", "feature", "policy", "audit", "certificate", "token", "partition", "replica", "threshold",
    "payload", "webhook", "template", "timeline",
)  # fmt: skip

VERBS: tuple[str, ...] = (
    "reduces", "improves", "blocks", "affects", "requires", "replaces", "monitors", "validates", "delays",
    "simplifies", "exposes", "triggers", "duplicates", "supports", "limits", "migrates", "tracks",
    "updates", "caches", "exports", "retries", "schedules", "throttles", "documents", "streamlines",
)  # fmt: skip

ADJECTIVES: tuple[str, ...] = (
    "critical", "legacy", "new", "internal", "external", "regional", "scheduled", "automated", "manual",
    "primary", "secondary", "slow", "stable", "flaky", "expensive", "shared", "dedicated", "nightly",
    "quarterly", "encrypted", "redundant", "optional", "mandatory", "temporary", "upstream", "downstream",
)  # fmt: skip

ADVERBS: tuple[str, ...] = (
    "quickly", "rarely", "consistently", "occasionally", "silently", "gradually", "reliably", "eventually",
)  # fmt: skip

CONNECTIVES: tuple[str, ...] = (
    "However", "In practice", "As a result", "For now", "In addition", "Historically", "In most cases",
    "During the last quarter", "According to the on-call team", "After the last review",
)  # fmt: skip
