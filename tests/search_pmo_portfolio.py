"""A second portfolio for the search relevance test (``search_relevance.tsv``, site ``pmo``):
about forty projects of a mid-sized company's IT portfolio, written by hand the way PMO staff
write them, with every status, phase and state, risks in every band, overdue milestones,
budgets in four currencies converted to the site's, and product names that other projects
mention in passing (ServiceNow, S/4HANA, Salesforce, Azure, CloudTrail).

Nothing in it is shaped after the demo portfolio or tuned to a query: the queries in the
test set are what a PMO would type about such a portfolio.
"""

from __future__ import annotations

import json

SITE = (
    "title: Group IT portfolio\nas_of: 2026-11-20\ncurrency: EUR\n"
    "exchange_rates: {USD: 0.92, GBP: 1.17, CHF: 1.05}\n"
)

PROGRAMS = {
    "workplace": ("Workplace", "Marta Lindqvist", "Devices, collaboration and the service desk."),
    "erp-finance": ("ERP and Finance", "Henrik Vogel", "The finance systems and their move to SAP."),
    "infrastructure": ("Infrastructure", "Kofi Mensah", "Networks, data centres and the cloud platform."),
    "customer-digital": ("Customer Digital", "Lucia Ferreira", "Web, mobile and the contact centre."),
    "data-ai": ("Data and AI", "Priya Raman", "The data platform, reporting and machine learning."),
    "security": ("Security", "Tomasz Zielinski", "Identity, detection and resilience."),
}

# slug: fields. Body text last. Risks are (title, probability, impact, status);
# milestones (name, date, done).
PROJECTS: dict[str, dict] = {
    "laptop-rollout": dict(
        title="Laptop Rollout 2027",
        program="Workplace",
        owner="Marta Lindqvist",
        phase="implementation",
        status="amber",
        budget=(1_050_000, 1_120_000, 410_000, "EUR"),
        tags=["devices", "windows 11"],
        summary="Replace 2,400 laptops that leave warranty in 2027.",
        status_note="Supplier shipments arrive two weeks late; imaging moved to weekends.",
        risks=[("Supplier cannot ship before the price rise", 4, 3, "open")],
        milestones=[("First 500 devices issued", "2026-10-30", False)],
        body="Every employee gets a new laptop with Windows 11. Old devices are wiped and "
        "recycled by a certified partner.\n\n## Logistics\n\nDevices are staged in the Malmo "
        "depot and couriered to each office.",
    ),
    "servicenow-itsm": dict(
        title="ServiceNow ITSM Consolidation",
        program="Workplace",
        owner="Ravi Shankar",
        phase="planning",
        status="green",
        budget=(780_000, None, 95_000, "EUR"),
        tags=["servicenow", "itsm", "service desk"],
        summary="Move the three service desk tools onto one ServiceNow instance.",
        body="Incident, request and change management move to ServiceNow. The knowledge base "
        "is cleaned up before the move.\n\n## Integrations\n\nMonitoring alerts open incidents "
        "automatically.",
    ),
    "teams-telephony": dict(
        title="Teams Telephony for Sales Offices",
        program="Workplace",
        owner="Ravi Shankar",
        phase="closure",
        status="green",
        state="done",
        budget=(240_000, 228_000, 228_000, "EUR"),
        tags=["telephony", "collaboration"],
        summary="Desk phones in the sales offices replaced by Microsoft Teams calling.",
        body="All twelve sales offices now call through Teams. Call queues were rebuilt; "
        "incidents are raised in ServiceNow like any other.",
    ),
    "print-retirement": dict(
        title="Print Fleet Retirement",
        program="Workplace",
        owner="Marta Lindqvist",
        phase="planning",
        status="green",
        state="on-hold",
        budget=(150_000, None, 0, "EUR"),
        tags=["printing"],
        summary="Retire half of the office printers and move to secure pull printing.",
        status_note="Paused until the office moves of next year are decided.",
        body="Printers are counted floor by floor. A pilot in Oslo showed a third fewer pages.",
    ),
    "s4hana-finance": dict(
        title="S/4HANA Finance Migration",
        program="ERP and Finance",
        owner="Henrik Vogel",
        phase="implementation",
        status="red",
        budget=(2_750_000, 3_300_000, 1_900_000, "EUR"),
        tags=["sap", "s/4hana", "finance"],
        summary="General ledger, payables and receivables move from ECC to SAP S/4HANA.",
        status_note="Data migration test cycle two failed; go-live moves to Q2.",
        risks=[
            ("Key finance users unavailable during year-end", 4, 4, "open"),
            ("Legacy vendor master data is duplicated", 5, 4, "occurred"),
        ],
        milestones=[("Mock conversion two signed off", "2026-09-15", False)],
        body="The finance core moves to S/4HANA with the universal journal. Reports that "
        "read ECC tables are rewritten.\n\n## Cut-over\n\nA three-day freeze over a weekend "
        "at month end.",
    ),
    "expense-app": dict(
        title="Expense Claims App",
        program="ERP and Finance",
        owner="Anja Brandt",
        phase="closure",
        status="green",
        budget=(320_000, 305_000, 300_000, "EUR"),
        tags=["expenses", "mobile"],
        summary="Employees file expense claims on their phone; receipts are read automatically.",
        body="The app posts approved claims to the ledger. It will post to S/4HANA once the "
        "finance migration is live.",
    ),
    "treasury-platform": dict(
        title="Treasury Management Platform",
        program="ERP and Finance",
        owner="Anja Brandt",
        phase="initiation",
        status="amber",
        budget=(640_000, None, 20_000, "CHF"),
        tags=["treasury", "cash"],
        summary="One view of cash across the group's 40 bank accounts.",
        status_note="Business case awaits the CFO's sign-off.",
        body="Bank statements arrive through SWIFT and are matched daily. Forecasts replace "
        "the spreadsheets kept by each entity.",
    ),
    "payroll-outsourcing": dict(
        title="Payroll Outsourcing Benelux",
        program="ERP and Finance",
        owner="Henrik Vogel",
        phase="monitoring",
        status="amber",
        budget=(410_000, 455_000, 390_000, "EUR"),
        tags=["payroll", "hr"],
        summary="Payroll for Belgium and the Netherlands is run by an outsourced provider.",
        status_note="Two parallel runs show differences in holiday pay.",
        risks=[("Holiday pay calculated differently by the provider", 3, 4, "open")],
        body="The provider receives changes from the HR system every night. Payslips go to "
        "the employee portal.",
    ),
    "azure-landing-zone": dict(
        title="Azure Landing Zone",
        program="Infrastructure",
        owner="Kofi Mensah",
        phase="implementation",
        status="green",
        budget=(890_000, 910_000, 500_000, "EUR"),
        tags=["azure", "cloud"],
        summary="A governed Azure foundation for every new cloud workload.",
        body="Subscriptions, policies and the hub network are built as code. Logs go to the "
        "central workspace; AWS accounts keep CloudTrail until they move.",
    ),
    "datacentre-exit": dict(
        title="Frankfurt Data Centre Exit",
        program="Infrastructure",
        owner="Kofi Mensah",
        phase="implementation",
        status="red",
        budget=(3_400_000, 3_650_000, 2_100_000, "EUR"),
        tags=["data centre", "migration"],
        summary="Leave the Frankfurt colocation before the lease ends in June 2027.",
        status_note="Forty servers without an owner block the last move wave.",
        risks=[("Lease cannot be extended past June 2027", 3, 5, "open")],
        milestones=[("Wave three servers moved", "2026-10-01", False)],
        body="Workloads move to Azure or to the Stockholm site. Mainframe batch jobs are rewritten first.",
    ),
    "sdwan-branches": dict(
        title="SD-WAN for Branch Offices",
        program="Infrastructure",
        owner="Elif Demir",
        phase="implementation",
        status="amber",
        budget=(1_200_000, 1_260_000, 700_000, "USD"),
        tags=["network", "sd-wan"],
        summary="Branch offices move from MPLS lines to SD-WAN over two internet links.",
        status_note="Router deliveries to Turkey held at customs.",
        risks=[("Routers held at customs", 4, 3, "open")],
        body="Each branch gets two internet links and an SD-WAN appliance. MPLS contracts "
        "end branch by branch.",
    ),
    "wifi-refresh": dict(
        title="Warehouse Wi-Fi Refresh",
        program="Infrastructure",
        owner="Elif Demir",
        phase="closure",
        status="green",
        budget=(275_000, 270_000, 270_000, "GBP"),
        tags=["network", "wi-fi", "warehouse"],
        summary="Wi-Fi 6 access points in the three UK warehouses.",
        body="Handheld scanners roam between access points without dropping the session.",
    ),
    "backup-modernisation": dict(
        title="Backup Modernisation",
        program="Infrastructure",
        owner="Kofi Mensah",
        phase="planning",
        status="amber",
        budget=(560_000, None, 30_000, "EUR"),
        tags=["backup", "resilience"],
        summary="Immutable backups for every production system, restored monthly in a test.",
        risks=[("Ransomware reaches the backup catalogue", 2, 5, "open")],
        body="Backups are kept immutable for thirty days. Restore tests run every month.",
    ),
    "customer-portal": dict(
        title="Customer Portal Relaunch",
        program="Customer Digital",
        owner="Lucia Ferreira",
        phase="implementation",
        status="red",
        budget=(1_480_000, 1_720_000, 1_100_000, "EUR"),
        tags=["web", "self-service"],
        summary="Customers see orders, invoices and returns in one place.",
        status_note="Single sign-on with the identity provider slipped six weeks.",
        risks=[("Identity provider upgrade slips again", 4, 4, "open")],
        milestones=[("Public beta", "2026-11-02", False)],
        body="The portal is rebuilt on the headless commerce platform. Orders come from "
        "Salesforce and invoices from the finance system.",
    ),
    "salesforce-cpq": dict(
        title="Salesforce CPQ Rollout",
        program="Customer Digital",
        owner="Lucia Ferreira",
        phase="monitoring",
        status="green",
        budget=(690_000, 700_000, 640_000, "USD"),
        tags=["salesforce", "sales", "cpq"],
        summary="Sales quotes are configured and priced in Salesforce CPQ.",
        body="Price books and discounts move from spreadsheets into Salesforce. Approved "
        "quotes become orders without retyping.",
    ),
    "mobile-app": dict(
        title="Mobile Ordering App",
        program="Customer Digital",
        owner="Jonas Weber",
        phase="planning",
        status="green",
        budget=(930_000, None, 60_000, "EUR"),
        tags=["mobile", "ios", "android"],
        summary="Trade customers reorder from their phones and track deliveries.",
        body="The app uses the same APIs as the customer portal. Push notifications tell "
        "customers when a delivery leaves the warehouse.",
    ),
    "contact-centre": dict(
        title="Contact Centre Cloud Migration",
        program="Customer Digital",
        owner="Jonas Weber",
        phase="implementation",
        status="amber",
        budget=(820_000, 860_000, 520_000, "GBP"),
        tags=["contact centre", "telephony"],
        summary="The contact centre moves to a cloud platform with call recording.",
        status_note="Agents in Leeds trained; Dublin waits for headsets.",
        milestones=[("Dublin agents live", "2026-11-10", False)],
        body="Calls, chats and emails arrive in one queue. Recordings are kept for ninety days.",
    ),
    "website-accessibility": dict(
        title="Website Accessibility Fixes",
        program="Customer Digital",
        owner="Jonas Weber",
        phase="initiation",
        status="green",
        state="cancelled",
        budget=(120_000, None, 5_000, "EUR"),
        tags=["web", "accessibility"],
        summary="Fix the accessibility findings of the 2026 audit on the public website.",
        status_note="Cancelled: the findings are fixed by the portal relaunch.",
        body="The audit found forty issues, most of them in forms.",
    ),
    "data-platform": dict(
        title="Enterprise Data Platform",
        program="Data and AI",
        owner="Priya Raman",
        phase="implementation",
        status="green",
        budget=(2_200_000, 2_150_000, 1_300_000, "EUR"),
        tags=["data", "lakehouse", "databricks"],
        summary="A lakehouse for reporting and data science on Databricks.",
        body="Finance, sales and logistics data land in the lakehouse every night. Data "
        "products have named owners.\n\n## Governance\n\nA catalogue lists every table and its "
        "owner.",
    ),
    "demand-forecasting": dict(
        title="Demand Forecasting Model",
        program="Data and AI",
        owner="Priya Raman",
        phase="initiation",
        status="amber",
        budget=(380_000, None, 15_000, "EUR"),
        tags=["machine learning", "supply chain"],
        summary="Forecast weekly demand per product and warehouse with machine learning.",
        status_note="Two years of clean sales history are needed; one is available.",
        risks=[("Sales history too short to train on", 4, 4, "open")],
        body="The model learns from orders, promotions and weather. Planners compare it with "
        "their own forecast for a quarter.",
    ),
    "bi-consolidation": dict(
        title="BI Tool Consolidation",
        program="Data and AI",
        owner="Daniel Okoro",
        phase="monitoring",
        status="red",
        budget=(450_000, 590_000, 480_000, "EUR"),
        tags=["reporting", "power bi"],
        summary="Retire three reporting tools in favour of Power BI.",
        status_note="Licence costs over plan; 300 reports still to rebuild.",
        risks=[("Report owners refuse to rebuild reports", 3, 3, "open")],
        milestones=[("Legacy tool switched off", "2026-08-31", False)],
        body="Reports are rebuilt in Power BI on the data platform. Unused reports are retired instead.",
    ),
    "master-data": dict(
        title="Customer Master Data Cleanup",
        program="Data and AI",
        owner="Daniel Okoro",
        phase="planning",
        status="amber",
        budget=(260_000, None, 40_000, "EUR"),
        tags=["data quality", "crm"],
        summary="One golden record per customer across Salesforce and the ERP.",
        body="Duplicates are merged with a matching tool. Stewards approve the merges.",
    ),
    "mfa-rollout": dict(
        title="Multi-Factor Authentication Rollout",
        program="Security",
        owner="Tomasz Zielinski",
        phase="closure",
        status="green",
        budget=(180_000, 175_000, 175_000, "EUR"),
        tags=["identity", "mfa"],
        summary="Every employee signs in with a second factor.",
        body="Phones with the authenticator app or hardware keys. Service accounts were "
        "moved to managed identities.",
    ),
    "siem-replacement": dict(
        title="SIEM Replacement",
        program="Security",
        owner="Tomasz Zielinski",
        phase="implementation",
        status="red",
        budget=(1_350_000, 1_600_000, 900_000, "EUR"),
        tags=["siem", "detection", "soc"],
        summary="A cloud SIEM with a managed detection service replaces the old log server.",
        status_note="Log ingestion costs double the estimate.",
        risks=[
            ("Log volume exceeds the licensed ingestion", 5, 4, "occurred"),
            ("Managed service misses critical alerts during handover", 3, 5, "open"),
        ],
        body="Firewall, endpoint and CloudTrail logs flow into the SIEM. The managed SOC "
        "watches around the clock.",
    ),
    "privileged-access": dict(
        title="Privileged Access Management",
        program="Security",
        owner="Sara Nilsson",
        phase="planning",
        status="amber",
        budget=(520_000, None, 25_000, "EUR"),
        tags=["identity", "pam"],
        summary="Administrators check out passwords from a vault for each session.",
        risks=[("Administrators bypass the vault", 3, 4, "open")],
        body="Sessions are recorded. Shared admin accounts are removed.",
    ),
    "phishing-training": dict(
        title="Phishing Awareness Training",
        program="Security",
        owner="Sara Nilsson",
        phase="monitoring",
        status="green",
        budget=(60_000, 58_000, 50_000, "EUR"),
        tags=["awareness", "training"],
        summary="Monthly simulated phishing emails and short lessons for every employee.",
        body="Click rates fell from 14 to 4 percent in a year.",
    ),
    "dr-test": dict(
        title="Disaster Recovery Test 2026",
        program="Security",
        owner="Sara Nilsson",
        phase="implementation",
        status="amber",
        state="on-hold",
        budget=(90_000, None, 10_000, "EUR"),
        tags=["resilience", "disaster recovery"],
        summary="Fail the ERP and the warehouse system over to the second site.",
        status_note="On hold until the data centre exit frees the second site.",
        milestones=[("Failover weekend", "2026-10-17", False)],
        body="The test proves the recovery time objective of four hours.",
    ),
    "warehouse-wms": dict(
        title="Warehouse Management System Upgrade",
        program="Infrastructure",
        owner="Elif Demir",
        phase="initiation",
        status="green",
        budget=(1_900_000, None, 0, "CHF"),
        tags=["warehouse", "wms", "logistics"],
        summary="Upgrade the warehouse management system to the vendor's cloud version.",
        body="Pick, pack and ship processes stay; the screens change. Scanners need new firmware.",
    ),
    "hr-system": dict(
        title="HR System Replacement",
        program="ERP and Finance",
        owner="Anja Brandt",
        phase="planning",
        status="red",
        budget=(1_150_000, 1_380_000, 200_000, "EUR"),
        tags=["hr", "workday"],
        summary="Workday replaces the HR system and feeds payroll in every country.",
        status_note="Works council has not approved the data transfer.",
        risks=[("Works council rejects the data transfer", 4, 5, "open")],
        body="Hires, moves and leavers are recorded once. Payroll providers receive changes every night.",
    ),
    "vendor-portal": dict(
        title="Supplier Onboarding Portal",
        program="ERP and Finance",
        owner="Henrik Vogel",
        phase="initiation",
        status="green",
        budget=(210_000, None, 0, "EUR"),
        tags=["procurement", "suppliers"],
        summary="New suppliers register, upload certificates and get a vendor number online.",
        body="Checks against sanctions lists run automatically. Approved suppliers are created in the ERP.",
    ),
    "email-migration": dict(
        title="Email Archive Migration",
        program="Workplace",
        owner="Ravi Shankar",
        phase="closure",
        status="amber",
        budget=(140_000, 165_000, 160_000, "EUR"),
        tags=["email", "archive"],
        summary="Twenty years of archived email move to the cloud mailbox archive.",
        status_note="The last 2 TB move slower than planned.",
        body="Legal holds are kept through the move. Old archive servers are switched off after.",
    ),
    "network-segmentation": dict(
        title="Factory Network Segmentation",
        program="Security",
        owner="Tomasz Zielinski",
        phase="planning",
        status="amber",
        budget=(730_000, None, 35_000, "EUR"),
        tags=["ot security", "network"],
        summary="Separate the factory machines' network from the office network.",
        risks=[("Production stops during the cut-over", 3, 5, "open")],
        body="Machines talk to the office only through a firewall with named rules.",
    ),
    "api-gateway": dict(
        title="API Gateway",
        program="Customer Digital",
        owner="Jonas Weber",
        phase="monitoring",
        status="green",
        budget=(300_000, 310_000, 290_000, "EUR"),
        tags=["api", "integration"],
        summary="One gateway for every API the portal, the app and partners use.",
        body="APIs are published with keys and rate limits. ServiceNow and Salesforce "
        "integrations go through the gateway too.",
    ),
    "intranet": dict(
        title="Intranet Redesign",
        program="Workplace",
        owner="Marta Lindqvist",
        phase="initiation",
        status="green",
        budget=(190_000, None, 0, "EUR"),
        tags=["intranet", "communication"],
        summary="A new intranet with news, the people directory and policies.",
        body="Pages have owners and a review date. Search covers policies and people.",
    ),
    "cost-allocation": dict(
        title="Cloud Cost Allocation",
        program="Infrastructure",
        owner="Kofi Mensah",
        phase="initiation",
        status="amber",
        state="on-hold",
        budget=(85_000, None, 0, "EUR"),
        tags=["finops", "cloud"],
        summary="Charge cloud costs back to the business units that cause them.",
        status_note="Waiting for the new cost centre structure.",
        body="Every resource carries a cost centre tag. Untagged resources are reported weekly.",
    ),
}


def _project_file(slug: str, p: dict) -> str:
    q = json.dumps
    planned, forecast, actual, currency = p["budget"]
    lines = [
        "---",
        f"title: {q(p['title'])}",
        f"phase: {p['phase']}",
        f"status: {p['status']}",
        f"state: {p.get('state', 'active')}",
        f"owner: {q(p['owner'])}",
        f"program: {q(p['program'])}",
        "category: software",
        "start: 2026-01-12",
        "end: 2027-06-30",
        "status_date: 2026-11-12",
        f"summary: {q(p['summary'])}",
        "tags: [" + ", ".join(q(t) for t in p["tags"]) + "]",
        "budget:",
        f"  planned: {planned}",
        f"  currency: {currency}",
    ]
    if forecast is not None:
        lines.append(f"  forecast: {forecast}")
    if actual is not None:
        lines.append(f"  actual: {actual}")
    if p.get("status_note"):
        lines.append(f"status_note: {q(p['status_note'])}")
    if p.get("risks"):
        lines.append("risks:")
        for title, probability, impact, status in p["risks"]:
            lines += [
                f"  - title: {q(title)}",
                f"    probability: {probability}",
                f"    impact: {impact}",
                f"    status: {status}",
            ]
    if p.get("milestones"):
        lines.append("milestones:")
        for name, date, done in p["milestones"]:
            lines += [f"  - name: {q(name)}", f"    date: {date}", f"    done: {str(done).lower()}"]
    return "\n".join(lines) + "\n---\n" + p["body"] + "\n"


def pmo_portfolio() -> dict[str, str]:
    """The portfolio's files by path."""
    files = {"site.yaml": SITE}
    for slug, (title, owner, summary) in PROGRAMS.items():
        files[f"content/programs/{slug}.md"] = (
            f"---\ntitle: {json.dumps(title)}\nowner: {json.dumps(owner)}\n"
            f"summary: {json.dumps(summary)}\n---\n{summary}\n"
        )
    files["content/pages/about.md"] = (
        "---\ntitle: About the portfolio\n---\nEvery project reports a RAG status each month: green, "
        "amber or red. The PMO reviews amber and red projects at the steering committee.\n"
    )
    for slug, fields in PROJECTS.items():
        files[f"content/projects/{slug}.md"] = _project_file(slug, fields)
    return files
