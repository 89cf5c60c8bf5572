"""A held-out portfolio for the search relevance test (``search_relevance.tsv``, site
``heldout``): a university's IT portfolio, in a domain unlike the demo (an insurer) and the
``pmo`` portfolio (a manufacturing group). Sixty-one projects in seven programmes, with a
people directory, budgets in pounds, euros and dollars converted to the site's pounds, risks
with owners and mitigations, overdue milestones, every status, phase and state, and product
names written with ``/``, ``.`` and ``-`` (Wi-Fi 6E, Node.js, ASP.NET, S/4HANA) that other
projects mention in passing.

Its queries were written before any of them was run, as a university's PMO would type them;
the score they gave first is the held-out score in ``docs/search.md``.
"""

from __future__ import annotations

import json

SITE = (
    "title: Northbridge University — IT Portfolio\nlanguage: en\nas_of: 2026-11-20\n"
    "currency: GBP\nexchange_rates: {EUR: 0.86, USD: 0.79}\n"
)

# slug: (name, team, role, skills)
PEOPLE = {
    "amara-okafor": (
        "Amara Okafor",
        "Digital Learning",
        "Head of Digital Learning",
        ["learning technology", "Canvas"],
    ),
    "fiona-macleod": (
        "Fiona MacLeod",
        "Enterprise Applications",
        "Student Systems Manager",
        ["student records", "Workday"],
    ),
    "rhys-pritchard": (
        "Rhys Pritchard",
        "Infrastructure",
        "Network Manager",
        ["Aruba", "Wi-Fi design", "routing"],
    ),
    "mei-ling-zhou": (
        "Mei-Ling Zhou",
        "Research Computing",
        "Research Computing Lead",
        ["HPC", "Slurm", "GPU"],
    ),
    "tomas-o-briain": (
        "Tomás Ó Briain",
        "Information Security",
        "Chief Information Security Officer",
        ["identity", "incident response"],
    ),
    "grace-adeyemi": ("Grace Adeyemi", "PMO", "Portfolio Manager", ["portfolio reporting", "PRINCE2"]),
    "lars-eriksen": (
        "Lars Eriksen",
        "Enterprise Applications",
        "Finance Systems Lead",
        ["Oracle", "chart of accounts"],
    ),
    "priyanka-nair": (
        "Priyanka Nair",
        "Data and Insight",
        "Head of Data",
        ["Snowflake", "Power BI", "data governance"],
    ),
    "callum-reid": (
        "Callum Reid",
        "Service Management",
        "Service Desk Manager",
        ["ITIL", "Jira Service Management"],
    ),
    "sinead-kavanagh": (
        "Sinéad Kavanagh",
        "Estates Technology",
        "Estates Systems Lead",
        ["building management", "access control"],
    ),
    "joseph-mwangi": (
        "Joseph Mwangi",
        "Cloud Platform",
        "Cloud Architect",
        ["AWS", "Terraform", "Kubernetes"],
    ),
    "hannah-whitcombe": ("Hannah Whitcombe", "Digital Marketing", "Web Manager", ["Drupal", "accessibility"]),
    "oluwaseun-bello": (
        "Oluwaseun Bello",
        "Research Office",
        "Research Systems Manager",
        ["grant costing", "ethics"],
    ),
    "elena-petrova": ("Elena Petrova", "Library", "Library Systems Librarian", ["Alma", "ORCID", "metadata"]),
    "nathan-cho": (
        "Nathan Cho",
        "Workplace",
        "End User Computing Lead",
        ["Intune", "Windows 11", "PaperCut"],
    ),
}

PROGRAMS = {
    "teaching-learning": (
        "Teaching and Learning",
        "Amara Okafor",
        "The virtual learning environment, lecture capture, exams and the teaching rooms.",
    ),
    "student-journey": (
        "Student Journey",
        "Fiona MacLeod",
        "From the first enquiry to graduation: admissions, records, timetables and the app.",
    ),
    "research-enablement": (
        "Research Enablement",
        "Mei-Ling Zhou",
        "Computing, storage and the systems of the Research Office.",
    ),
    "campus-infrastructure": (
        "Campus Infrastructure",
        "Rhys Pritchard",
        "Network, data centres, cloud, telephony and campus buildings' systems.",
    ),
    "cyber-resilience": (
        "Cyber Resilience",
        "Tomás Ó Briain",
        "Identity, detection, backups and the certifications funders ask for.",
    ),
    "corporate-systems": (
        "Corporate Systems",
        "Lars Eriksen",
        "Finance, HR, procurement and the staff intranet.",
    ),
    "data-insight": (
        "Data and Insight",
        "Priyanka Nair",
        "The data warehouse, reporting and the university's use of AI.",
    ),
}

TL, SJ, RE, CI, CR, CS, DI = (p[0] for p in PROGRAMS.values())

# slug: fields. budget is (planned, forecast, actual, currency); risks are (title, probability,
# impact, status, owner, mitigation); milestones (name, date, done); team (person, role,
# allocation); dates (start, end, forecast_end).
PROJECTS: dict[str, dict] = {
    "lms-canvas": dict(
        title="Moodle to Canvas LMS Migration",
        program=TL,
        owner="Amara Okafor",
        phase="implementation",
        status="amber",
        category="software",
        priority="high",
        dates=("2025-09-01", "2027-08-31", "2027-09-30"),
        budget=(1_480_000, 1_560_000, 690_000, "GBP"),
        tags=["canvas", "moodle", "vle"],
        summary="Move every module site from our self-hosted Moodle 3.11 to Instructure Canvas before "
        "September 2027.",
        status_note="Content conversion of the Faculty of Engineering's 1,900 modules runs six weeks behind.",
        risks=[
            (
                "Academic staff do not rebuild their courses in time",
                4,
                4,
                "open",
                "Amara Okafor",
                "Learning technologists run drop-in clinics in every school",
            ),
            (
                "Quiz question banks convert with broken maths notation",
                3,
                3,
                "monitoring",
                "Amara Okafor",
                "Convert with the vendor's tool, then check a sample by hand",
            ),
        ],
        milestones=[
            ("Pilot schools live on Canvas", "2026-09-21", True),
            ("Engineering modules converted", "2026-11-02", False),
        ],
        team=[("Amara Okafor", "Project Lead", 40), ("Callum Reid", "Service Desk Lead", 10)],
        body="## Goals\n\nOne virtual learning environment for all 2,600 modules, hosted by the vendor, "
        "with the gradebook feeding the student record.\n\n## Scope\n\nModule sites, assignments, "
        "quizzes and the Turnitin and Panopto integrations. Moodle stays read-only for five years "
        "for appeals.\n\n## Status notes\n\nThe pilot schools went live in September. Engineering's "
        "modules use old question types that need rebuilding by hand, so the conversion runs late.",
    ),
    "lecture-capture": dict(
        title="Lecture Capture Expansion",
        program=TL,
        owner="Amara Okafor",
        phase="monitoring",
        status="green",
        category="software",
        priority="medium",
        dates=("2025-06-01", "2026-12-18", None),
        budget=(420_000, 410_000, 385_000, "GBP"),
        tags=["panopto", "lecture capture", "video"],
        summary="Panopto recording in every room that seats more than forty students.",
        body="Rooms record automatically from the timetable. Recordings appear in the module's "
        "Canvas site within an hour.\n\n## Rooms\n\n112 rooms fitted, 6 left in the Medical School "
        "where ceilings need asbestos surveys first.",
    ),
    "online-exams": dict(
        title="Online Exams and Proctoring",
        program=TL,
        owner="Amara Okafor",
        phase="planning",
        status="red",
        category="software",
        priority="high",
        dates=("2026-03-02", "2027-06-30", "2027-10-29"),
        budget=(560_000, 640_000, 70_000, "GBP"),
        tags=["exams", "assessment", "proctoring"],
        summary="A locked-down exam platform for in-hall digital exams and, where allowed, remote "
        "invigilation.",
        status_note="The Students' Union and the data protection officer object to webcam proctoring; scope "
        "under review.",
        risks=[
            (
                "Remote proctoring fails the data protection impact assessment",
                4,
                5,
                "open",
                "Tomás Ó Briain",
                "In-hall exams on managed laptops as the fallback",
            ),
            (
                "Exam halls lack power sockets for 400 laptops",
                3,
                4,
                "open",
                "Sinéad Kavanagh",
                "Battery packs hired for the first sitting",
            ),
        ],
        milestones=[("Platform selected", "2026-07-31", False)],
        body="Students sit essay and code exams on a locked browser. Invigilators see who has "
        "submitted.\n\n## Decisions\n\n- No automated flagging of suspicious behaviour (June 2026).\n"
        "- The vendor must host in the UK.",
    ),
    "turnitin-integration": dict(
        title="Turnitin Feedback Studio Integration",
        program=TL,
        owner="Amara Okafor",
        phase="closure",
        status="green",
        state="done",
        category="software",
        priority="low",
        dates=("2025-10-01", "2026-06-30", None),
        budget=(65_000, 61_500, 61_500, "USD"),
        tags=["turnitin", "academic integrity"],
        summary="Similarity checking and marking inside Canvas assignments through LTI 1.3.",
        body="Markers open Feedback Studio from the assignment. Similarity reports are kept for "
        "academic misconduct panels.",
    ),
    "teaching-rooms-av": dict(
        title="Hybrid Teaching Rooms AV Upgrade",
        program=TL,
        owner="Sinéad Kavanagh",
        phase="implementation",
        status="amber",
        category="it-services",
        priority="medium",
        dates=("2026-01-05", "2027-01-29", "2027-03-26"),
        budget=(930_000, 990_000, 520_000, "GBP"),
        tags=["audio visual", "teaching rooms", "hybrid"],
        summary="Ceiling microphones, tracking cameras and wireless presentation in 60 seminar rooms.",
        status_note="Installers can only work in rooms outside the timetable; 22 rooms left.",
        milestones=[
            ("Summer installation window complete", "2026-09-18", True),
            ("Remaining rooms fitted", "2026-12-18", False),
        ],
        body="Each room joins Teams and Zoom calls from the lectern. A wall panel starts the "
        "recording for Panopto.\n\n## Approach\n\nRooms are fitted in the summer and at weekends; "
        "each has a two-hour acceptance test with an academic.",
    ),
    "auto-captions": dict(
        title="Automatic Captioning for Recorded Lectures",
        program=TL,
        owner="Hannah Whitcombe",
        phase="initiation",
        status="green",
        category="software",
        priority="medium",
        dates=("2026-10-01", "2027-07-30", None),
        budget=(85_000, None, 4_000, "GBP"),
        tags=["accessibility", "captions"],
        summary="Machine captions on every recording, with corrections for students who have a reasonable "
        "adjustment.",
        body="Captions are required by the public sector accessibility regulations. Specialist "
        "vocabulary (anatomy, chemistry) needs custom word lists.",
    ),
    "learning-analytics": dict(
        title="Learning Analytics Dashboards",
        program=TL,
        owner="Priyanka Nair",
        phase="planning",
        status="green",
        category="data-analytics",
        priority="medium",
        dates=("2026-05-01", "2027-04-30", None),
        budget=(210_000, None, 25_000, "GBP"),
        tags=["learning analytics", "engagement"],
        summary="Personal tutors see each student's engagement: attendance, Canvas activity and submissions.",
        body="Data comes from the Snowflake warehouse. Students can see their own dashboard and "
        "what their tutor sees.",
    ),
    "sis-replacement": dict(
        title="Student Information System Replacement",
        program=SJ,
        owner="Fiona MacLeod",
        phase="implementation",
        status="red",
        category="software",
        priority="high",
        dates=("2025-04-01", "2027-09-30", "2028-01-31"),
        budget=(6_200_000, 7_050_000, 3_400_000, "GBP"),
        tags=["student records", "workday student", "banner"],
        summary="Workday Student replaces Ellucian Banner for records, fees, assessment and progression.",
        status_note="Fee rules for 140 programmes failed testing; the second phase of configuration runs "
        "over budget by £850,000.",
        risks=[
            (
                "Go-live clashes with the September enrolment peak",
                4,
                5,
                "open",
                "Fiona MacLeod",
                "Go-live moved to January, between semesters",
            ),
            (
                "Historic marks do not migrate cleanly from Banner",
                4,
                4,
                "occurred",
                "Priyanka Nair",
                "Marks before 2015 stay in an archive database",
            ),
            (
                "Workday integration partner loses key consultants",
                3,
                4,
                "open",
                "Grace Adeyemi",
                "Named consultants in the contract",
            ),
        ],
        milestones=[
            ("Fee configuration signed off", "2026-10-16", False),
            ("End-to-end testing", "2027-03-31", False),
        ],
        team=[
            ("Fiona MacLeod", "Project Director", 80),
            ("Priyanka Nair", "Data Migration Lead", 30),
            ("Grace Adeyemi", "PMO Analyst", 20),
        ],
        body="## Goals\n\nOne record per student from application to graduation, with fees, "
        "modules and marks in Workday Student.\n\n## Scope\n\nRecords, curriculum, fees, "
        "assessment, progression and awards. Admissions stay on Salesforce and feed Workday "
        "through the integration platform.\n\n## Status notes\n\nThe fee rules for "
        "postgraduate research are the hardest part: each funder pays differently.",
    ),
    "admissions-crm": dict(
        title="Admissions CRM on Salesforce Education Cloud",
        program=SJ,
        owner="Fiona MacLeod",
        phase="implementation",
        status="amber",
        category="software",
        priority="high",
        dates=("2026-01-12", "2027-02-26", None),
        budget=(1_150_000, 1_190_000, 610_000, "USD"),
        tags=["salesforce", "admissions", "crm"],
        summary="Enquiries, applications and offers for undergraduate and postgraduate study in one "
        "Salesforce org.",
        status_note="UCAS file import works; the offer letter templates are late.",
        risks=[
            (
                "UCAS changes its data format mid-cycle",
                2,
                4,
                "monitoring",
                "Fiona MacLeod",
                "Import built on the published schema with a feed test every week",
            )
        ],
        body="Recruitment teams track every enquirer from an open day to enrolment. Offers made "
        "here create the student in Workday.",
    ),
    "timetabling": dict(
        title="Scientia Timetabling Upgrade",
        program=SJ,
        owner="Fiona MacLeod",
        phase="monitoring",
        status="amber",
        category="software",
        priority="medium",
        dates=("2025-11-03", "2026-09-30", "2026-12-18"),
        budget=(280_000, 315_000, 300_000, "GBP"),
        tags=["timetabling", "scientia"],
        summary="Scientia Syllabus Plus moves to the vendor's cloud and publishes personal timetables to "
        "the app.",
        status_note="Clashes for joint honours students still need manual fixes each week.",
        milestones=[("Personal timetables in the app", "2026-09-14", True)],
        body="Rooms, staff and student groups are scheduled together. The room booking screen "
        "shows which rooms have lecture capture.",
    ),
    "student-app": dict(
        title="Student Mobile App",
        program=SJ,
        owner="Hannah Whitcombe",
        phase="planning",
        status="green",
        category="software",
        priority="medium",
        dates=("2026-06-01", "2027-08-31", None),
        budget=(340_000, None, 30_000, "GBP"),
        tags=["mobile", "app", "react native"],
        summary="Timetable, campus map, library loans and the student ID in one app for iOS and Android.",
        body="Built in React Native on a Node.js API layer that reads Workday, Scientia and "
        "Alma.\n\n## Approach\n\nStudents test each release in the Students' Union before it ships.",
    ),
    "accommodation-portal": dict(
        title="StarRez Accommodation Portal",
        program=SJ,
        owner="Fiona MacLeod",
        phase="closure",
        status="green",
        state="done",
        category="software",
        priority="medium",
        dates=("2025-10-01", "2026-07-31", None),
        budget=(190_000, 182_000, 182_000, "GBP"),
        tags=["accommodation", "halls", "starrez"],
        summary="Students choose and pay for a room in halls online.",
        body="Room allocation and rent payments moved from spreadsheets to StarRez. 4,300 "
        "students booked through it for this year.",
    ),
    "visa-attendance": dict(
        title="Student Visa Attendance Monitoring",
        program=SJ,
        owner="Fiona MacLeod",
        phase="implementation",
        status="red",
        category="software",
        priority="high",
        dates=("2026-02-02", "2026-10-30", "2027-02-26"),
        budget=(150_000, 205_000, 160_000, "GBP"),
        tags=["visa", "compliance", "attendance"],
        summary="Record the attendance of sponsored international students as the Home Office requires.",
        status_note="Card readers in teaching rooms log only half of the check-ins; the sponsor licence "
        "audit is in March.",
        risks=[
            (
                "The university's sponsor licence is downgraded after the audit",
                3,
                5,
                "open",
                "Fiona MacLeod",
                "Manual registers in the meantime; weekly report to the compliance team",
            )
        ],
        milestones=[("Check-in readers in every teaching room", "2026-10-30", False)],
        body="Students tap their card or scan a QR code in class. Missed contact points go to "
        "the compliance team within a week.",
    ),
    "enquiries-chatbot": dict(
        title="Student Enquiries Chatbot",
        program=SJ,
        owner="Callum Reid",
        phase="initiation",
        status="amber",
        state="on-hold",
        category="it-services",
        priority="low",
        dates=("2026-04-01", "2027-03-31", None),
        budget=(60_000, None, 8_000, "GBP"),
        tags=["chatbot", "student services"],
        summary="A chat assistant answering the common questions of applicants and students at any hour.",
        status_note="Paused until the Copilot pilot reports.",
        body="It would answer from the website and the knowledge base of the service desk, and "
        "hand over to a person in office hours.",
    ),
    "graduation-ticketing": dict(
        title="Graduation Ceremony Ticketing",
        program=SJ,
        owner="Hannah Whitcombe",
        phase="closure",
        status="green",
        state="done",
        category="software",
        priority="low",
        dates=("2026-01-05", "2026-07-10", None),
        budget=(45_000, 43_000, 43_000, "GBP"),
        tags=["graduation", "events"],
        summary="Graduates book guest tickets and gowns for the summer ceremonies online.",
        body="Ticket numbers are checked against the awards list from the student record.",
    ),
    "alumni-database": dict(
        title="Raiser's Edge NXT Alumni Database",
        program=SJ,
        owner="Hannah Whitcombe",
        phase="planning",
        status="amber",
        category="software",
        priority="medium",
        dates=("2026-03-02", "2027-05-28", None),
        budget=(260_000, 275_000, 40_000, "USD"),
        tags=["alumni", "fundraising", "crm"],
        summary="Move alumni relations and fundraising from the old Access database to Blackbaud Raiser's "
        "Edge NXT.",
        status_note="Gift Aid declarations need cleaning before they can move.",
        body="Donations, Gift Aid and event invitations for 120,000 alumni. Graduates arrive "
        "from Workday each summer.",
    ),
    "hpc-refresh": dict(
        title="Hawk HPC Cluster Refresh",
        program=RE,
        owner="Mei-Ling Zhou",
        phase="implementation",
        status="amber",
        category="network-cloud",
        priority="high",
        dates=("2025-11-01", "2026-12-18", "2027-02-26"),
        budget=(2_400_000, 2_520_000, 1_950_000, "EUR"),
        tags=["hpc", "gpu", "research computing"],
        summary="Replace the Hawk cluster with 180 CPU nodes and 24 GPU nodes with NVIDIA H100s, liquid "
        "cooled.",
        status_note="The cooling loop in the data hall failed its pressure test; the GPU nodes wait.",
        risks=[
            (
                "Liquid cooling is not commissioned before the grant deadline",
                3,
                4,
                "open",
                "Sinéad Kavanagh",
                "Vendor engineers on site each week until commissioned",
            ),
            (
                "Researchers' jobs fail on the new Slurm version",
                2,
                3,
                "mitigated",
                "Mei-Ling Zhou",
                "Test partition opened to every group in October",
            ),
        ],
        milestones=[
            ("CPU partition in service", "2026-10-05", True),
            ("GPU partition in service", "2026-11-16", False),
        ],
        team=[("Mei-Ling Zhou", "Project Lead", 60), ("Joseph Mwangi", "Platform Engineer", 20)],
        body="## Goals\n\nThree times the compute for the same power, and GPUs for the "
        "machine learning groups.\n\n## Scope\n\nCompute nodes, the InfiniBand fabric, Slurm "
        "and the software modules. Storage is the Research Data Storage project.\n\n## Status notes\n\n"
        "The CPU partition runs jobs since October. The supplier is in Germany, so the contract "
        "is in euros.",
    ),
    "research-storage": dict(
        title="Research Data Storage on Ceph",
        program=RE,
        owner="Mei-Ling Zhou",
        phase="implementation",
        status="green",
        category="network-cloud",
        priority="high",
        dates=("2026-01-05", "2027-03-31", None),
        budget=(870_000, 860_000, 430_000, "GBP"),
        tags=["storage", "ceph", "research data"],
        summary="Eight petabytes of Ceph storage for active research data, mounted on the HPC cluster and "
        "on desktops.",
        body="Projects get a share with a quota and a data management plan. Data past its "
        "retention goes to tape.\n\n## Approach\n\nObject storage with an S3 interface for "
        "instruments; CephFS for the cluster.",
    ),
    "grants-system": dict(
        title="Research Grants Management System",
        program=RE,
        owner="Oluwaseun Bello",
        phase="planning",
        status="amber",
        category="software",
        priority="high",
        dates=("2026-02-02", "2027-07-30", None),
        budget=(480_000, 520_000, 60_000, "GBP"),
        tags=["grants", "research office", "worktribe"],
        summary="Cost, approve and track research bids and awards in Worktribe instead of spreadsheets.",
        status_note="Full economic costing rules are still being agreed with Finance.",
        risks=[
            (
                "Costing rules differ between faculties",
                4,
                3,
                "open",
                "Oluwaseun Bello",
                "One costing policy signed off by the Research Committee",
            )
        ],
        body="Awards create project codes in Oracle Fusion. Funders' terms are recorded with each award.",
    ),
    "ethics-review": dict(
        title="Online Ethics Review",
        program=RE,
        owner="Oluwaseun Bello",
        phase="monitoring",
        status="green",
        category="software",
        priority="medium",
        dates=("2025-09-01", "2026-12-18", None),
        budget=(120_000, 118_000, 104_000, "GBP"),
        tags=["ethics", "research office"],
        summary="Researchers submit ethics applications online and committees review them in one place.",
        body="Applications route to the right school committee. Studies with NHS patients go to "
        "the external process.",
    ),
    "jupyterhub": dict(
        title="JupyterHub for Teaching and Research",
        program=RE,
        owner="Joseph Mwangi",
        phase="closure",
        status="green",
        state="done",
        category="network-cloud",
        priority="low",
        dates=("2025-09-01", "2026-06-30", None),
        budget=(95_000, 88_000, 88_000, "GBP"),
        tags=["jupyter", "python", "notebooks"],
        summary="Python and R notebooks in the browser for every student, on Kubernetes in AWS.",
        body="Courses get a ready image with their libraries. Heavy jobs go to the HPC cluster.",
    ),
    "trusted-research": dict(
        title="Trusted Research Environment",
        program=RE,
        owner="Mei-Ling Zhou",
        phase="implementation",
        status="red",
        category="network-cloud",
        priority="high",
        dates=("2026-01-05", "2026-12-18", "2027-06-30"),
        budget=(1_300_000, 1_520_000, 820_000, "GBP"),
        tags=["secure data", "health data", "tre"],
        summary="A secure enclave where researchers analyse NHS and other sensitive data without taking it "
        "out.",
        status_note="ISO 27001 certification of the enclave slips to spring; two funded studies cannot "
        "start.",
        risks=[
            (
                "NHS data owners do not approve the enclave",
                3,
                5,
                "open",
                "Tomás Ó Briain",
                "Data owners review the design at each stage",
            ),
            (
                "Airlock reviews become a bottleneck",
                4,
                3,
                "open",
                "Mei-Ling Zhou",
                "Two trained output checkers per faculty",
            ),
        ],
        milestones=[("ISO 27001 stage one audit", "2026-10-12", False)],
        body="## Scope\n\nVirtual desktops with no internet, an airlock for results, and "
        "approval workflows.\n\n## Status notes\n\nThe stage one audit found gaps in the "
        "supplier management records.",
    ),
    "orcid-cris": dict(
        title="ORCID and CRIS Integration",
        program=RE,
        owner="Elena Petrova",
        phase="initiation",
        status="green",
        category="software",
        priority="low",
        dates=("2026-09-01", "2027-06-30", None),
        budget=(55_000, None, 0, "GBP"),
        tags=["orcid", "pure", "publications"],
        summary="Publications flow from ORCID into the Pure research information system and the repository.",
        body="Researchers link their ORCID iD once. Open access deposits are checked against "
        "funders' policies.",
    ),
    "genomics-lims": dict(
        title="Genomics Lab LIMS",
        program=RE,
        owner="Oluwaseun Bello",
        phase="planning",
        status="amber",
        state="on-hold",
        category="software",
        priority="medium",
        dates=("2026-04-01", "2027-09-30", None),
        budget=(380_000, None, 22_000, "USD"),
        tags=["lims", "genomics", "laboratory"],
        summary="A laboratory information management system for the sequencing facility's samples and runs.",
        status_note="On hold until the facility's funding is renewed.",
        body="Samples are tracked from arrival to sequencing. Run data goes to the research storage on Ceph.",
    ),
    "wifi-6e": dict(
        title="Campus Wi-Fi 6E Upgrade",
        program=CI,
        owner="Rhys Pritchard",
        phase="implementation",
        status="amber",
        category="network-cloud",
        priority="high",
        dates=("2026-02-02", "2027-04-30", "2027-06-30"),
        budget=(1_850_000, 1_930_000, 940_000, "GBP"),
        tags=["wi-fi", "eduroam", "network"],
        summary="3,400 Aruba Wi-Fi 6E access points across the teaching buildings and halls, with eduroam "
        "everywhere.",
        status_note="Halls of residence wait for cabling contractors; teaching buildings on plan.",
        risks=[
            (
                "Listed buildings refuse new cable routes",
                3,
                3,
                "open",
                "Sinéad Kavanagh",
                "Mesh access points where cabling is not allowed",
            )
        ],
        milestones=[
            ("Teaching buildings complete", "2026-09-11", True),
            ("Halls of residence complete", "2026-11-13", False),
        ],
        body="## Goals\n\nEnough capacity for three devices a student in a full lecture "
        "theatre.\n\n## Approach\n\nBuilding by building over the holidays. The 6 GHz band "
        "carries eduroam; guests get a captive portal.",
    ),
    "core-network": dict(
        title="Core Network Replacement",
        program=CI,
        owner="Rhys Pritchard",
        phase="planning",
        status="green",
        category="network-cloud",
        priority="high",
        dates=("2026-06-01", "2027-12-17", None),
        budget=(2_100_000, None, 90_000, "GBP"),
        tags=["network", "routing", "switching"],
        summary="Replace the core and distribution switches that reach end of support in 2027.",
        body="Two core sites with diverse fibre. The design keeps room for the Wi-Fi 6E uplinks and IPv6.",
    ),
    "dc-consolidation": dict(
        title="Data Centre Consolidation",
        program=CI,
        owner="Joseph Mwangi",
        phase="implementation",
        status="red",
        category="network-cloud",
        priority="high",
        dates=("2025-10-01", "2026-12-18", "2027-07-30"),
        budget=(1_700_000, 1_980_000, 1_240_000, "GBP"),
        tags=["data centre", "migration", "aws"],
        summary="Close the Library basement server room; move what stays on premises to the Science Park "
        "data centre and the rest to AWS.",
        status_note="Ninety virtual machines have no known owner; the basement cannot close before they "
        "move.",
        risks=[
            (
                "Basement flooding before the move ends",
                2,
                5,
                "open",
                "Sinéad Kavanagh",
                "Flood sensors and pumps; critical systems moved first",
            ),
            (
                "Unowned servers block the last wave",
                5,
                3,
                "occurred",
                "Joseph Mwangi",
                "Servers without an owner by December are switched off for a week",
            ),
        ],
        milestones=[
            ("Wave two moved", "2026-08-28", True),
            ("Basement server room empty", "2026-11-06", False),
        ],
        body="## Scope\n\n420 virtual machines and 60 physical servers. The HPC cluster stays in "
        "its own data hall.\n\n## Status notes\n\nWave three waits for owners to confirm their "
        "systems.",
    ),
    "aws-landing-zone": dict(
        title="AWS Landing Zone",
        program=CI,
        owner="Joseph Mwangi",
        phase="monitoring",
        status="green",
        category="network-cloud",
        priority="medium",
        dates=("2025-09-01", "2026-10-30", None),
        budget=(310_000, 295_000, 280_000, "USD"),
        tags=["aws", "cloud", "terraform"],
        summary="Governed AWS accounts for departments and researchers, built with Control Tower and "
        "Terraform.",
        body="Each account has a budget alert and a named owner. CloudTrail logs go to the "
        "security account and on to Sentinel.",
    ),
    "ipv6": dict(
        title="IPv6 Enablement",
        program=CI,
        owner="Rhys Pritchard",
        phase="initiation",
        status="green",
        category="network-cloud",
        priority="low",
        dates=("2026-11-02", "2027-12-17", None),
        budget=(70_000, None, 0, "GBP"),
        tags=["ipv6", "network"],
        summary="Dual-stack IPv6 on the campus network and the public services, as Jisc recommends.",
        body="Starts with the web servers and eduroam. The Infoblox platform already holds IPv6 "
        "address plans.",
    ),
    "dns-ipam": dict(
        title="DNS and DHCP on Infoblox",
        program=CI,
        owner="Rhys Pritchard",
        phase="closure",
        status="amber",
        category="network-cloud",
        priority="medium",
        dates=("2025-11-03", "2026-08-28", "2026-12-18"),
        budget=(140_000, 152_000, 149_000, "GBP"),
        tags=["dns", "dhcp", "ipam"],
        summary="Move DNS, DHCP and IP address management from Windows servers to Infoblox appliances.",
        status_note="Two departments still hand out addresses from their own DHCP servers.",
        body="Every address is recorded with its owner. Zone changes go through a change request.",
    ),
    "teams-phone": dict(
        title="Teams Phone for Campus Telephony",
        program=CI,
        owner="Rhys Pritchard",
        phase="implementation",
        status="green",
        category="it-services",
        priority="medium",
        dates=("2026-03-02", "2027-03-31", None),
        budget=(450_000, 440_000, 210_000, "GBP"),
        tags=["telephony", "teams", "voice"],
        summary="Retire the Mitel PBX: staff phone numbers move to Microsoft Teams, with handsets only "
        "where needed.",
        body="Emergency lines and lift phones stay on analogue lines. Call queues for the "
        "service desk and admissions move first.",
    ),
    "intercampus-fibre": dict(
        title="Inter-Campus Fibre Link",
        program=CI,
        owner="Rhys Pritchard",
        phase="planning",
        status="amber",
        category="network-cloud",
        priority="medium",
        dates=("2026-04-01", "2027-06-30", None),
        budget=(640_000, 700_000, 35_000, "GBP"),
        tags=["fibre", "network", "science park"],
        summary="A second, diverse fibre route between the city campus and the Science Park.",
        status_note="The council's road permit for the river crossing is delayed.",
        risks=[
            (
                "Road works permit refused for the bridge route",
                3,
                4,
                "open",
                "Rhys Pritchard",
                "Alternative route along the railway surveyed",
            )
        ],
        body="Today one fibre carries all traffic between the campuses; a cut would stop the "
        "HPC cluster and the data centre.",
    ),
    "virtual-desktops": dict(
        title="Azure Virtual Desktop for Student Labs",
        program=CI,
        owner="Nathan Cho",
        phase="implementation",
        status="amber",
        category="network-cloud",
        priority="medium",
        dates=("2026-01-05", "2026-12-18", "2027-02-26"),
        budget=(520_000, 575_000, 330_000, "GBP"),
        tags=["virtual desktop", "azure", "labs"],
        summary="Specialist teaching software (ArcGIS, SPSS, MATLAB) on Azure Virtual Desktop instead of "
        "Citrix.",
        status_note="GPU session hosts for ArcGIS cost twice the estimate.",
        body="Students use lab software from their own laptops. Citrix licences end in "
        "February.\n\n## Approach\n\nPooled hosts scale down at night and in the holidays.",
    ),
    "papercut-renewal": dict(
        title="PaperCut Print Service Renewal",
        program=CI,
        owner="Nathan Cho",
        phase="planning",
        status="amber",
        state="cancelled",
        category="it-services",
        priority="low",
        dates=("2026-02-02", "2026-12-18", None),
        budget=(180_000, None, 12_000, "GBP"),
        tags=["printing", "papercut"],
        summary="Renew the student print service and its multifunction devices.",
        status_note="Cancelled: the print contract was extended for three years instead.",
        body="Students print from any device and release at any printer with their card.",
    ),
    "laptop-lockers": dict(
        title="Student Laptop Loan Lockers",
        program=CI,
        owner="Nathan Cho",
        phase="closure",
        status="green",
        category="it-services",
        priority="low",
        dates=("2026-01-05", "2026-10-30", None),
        budget=(120_000, 116_000, 112_000, "GBP"),
        tags=["laptops", "library", "self service"],
        summary="Self-service lockers in the libraries lend laptops to students for the day.",
        body="Students borrow with their card. Laptops are Intune-managed Windows 11 devices "
        "that wipe themselves on return.",
    ),
    "campus-card": dict(
        title="Campus Card and Door Access",
        program=CI,
        owner="Sinéad Kavanagh",
        phase="implementation",
        status="amber",
        category="it-services",
        priority="medium",
        dates=("2026-02-02", "2027-01-29", None),
        budget=(390_000, 405_000, 250_000, "GBP"),
        tags=["campus card", "access control", "security"],
        summary="One card for doors, printing, library loans and the lockers, with the card in the phone's "
        "wallet.",
        status_note="Older door controllers in the Medical School need replacing first.",
        body="The card system reads from Workday Student and the HR system. Lost cards are "
        "blocked from the app.",
    ),
    "mfa-students": dict(
        title="MFA for Students",
        program=CR,
        owner="Tomás Ó Briain",
        phase="monitoring",
        status="amber",
        category="it-services",
        priority="high",
        dates=("2026-01-05", "2026-10-30", "2026-12-18"),
        budget=(90_000, 98_000, 95_000, "GBP"),
        tags=["mfa", "identity", "entra id"],
        summary="Multi-factor authentication with Microsoft Entra ID for all 31,000 students.",
        status_note="Service desk calls about lost phones double the forecast.",
        body="Students register the Authenticator app at enrolment. Those without a smartphone "
        "get a hardware key from the library.",
    ),
    "sentinel-soc": dict(
        title="Microsoft Sentinel SOC Service",
        program=CR,
        owner="Tomás Ó Briain",
        phase="implementation",
        status="green",
        category="it-services",
        priority="high",
        dates=("2026-03-02", "2027-02-26", None),
        budget=(720_000, 705_000, 300_000, "GBP"),
        tags=["siem", "soc", "sentinel"],
        summary="A managed security operations centre watching Microsoft Sentinel around the clock.",
        body="Logs from Entra ID, the firewalls, CloudTrail and the servers go to Sentinel. The "
        "Jisc CSIRT is notified of incidents.\n\n## Scope\n\nDetection, triage and out-of-hours "
        "response; the university keeps containment decisions.",
    ),
    "immutable-backups": dict(
        title="Immutable Backups with Rubrik",
        program=CR,
        owner="Joseph Mwangi",
        phase="implementation",
        status="red",
        category="network-cloud",
        priority="high",
        dates=("2026-01-05", "2026-09-30", "2027-01-29"),
        budget=(650_000, 730_000, 560_000, "GBP"),
        tags=["backup", "ransomware", "rubrik"],
        summary="Replace the tape library with Rubrik appliances whose backups cannot be altered or deleted.",
        status_note="Restores of the finance database take 14 hours against a target of four.",
        risks=[
            (
                "A ransomware attack before backups are immutable",
                2,
                5,
                "open",
                "Tomás Ó Briain",
                "Weekly offline copy kept until cut-over",
            )
        ],
        milestones=[("Restore tests passed", "2026-09-25", False)],
        body="Backups are kept for 35 days immutable and a year in cloud archive. Restore tests run monthly.",
    ),
    "dr-exercise": dict(
        title="Disaster Recovery Exercise 2026",
        program=CR,
        owner="Joseph Mwangi",
        phase="closure",
        status="amber",
        state="done",
        category="it-services",
        priority="medium",
        dates=("2026-03-02", "2026-07-31", None),
        budget=(40_000, 46_000, 46_000, "GBP"),
        tags=["disaster recovery", "resilience"],
        summary="A full failover test of the student record, finance and identity services.",
        body="Identity and finance failed over within target; the student record took nine "
        "hours. Lessons learned feed the backup project.",
    ),
    "privileged-access": dict(
        title="Privileged Access with CyberArk",
        program=CR,
        owner="Tomás Ó Briain",
        phase="planning",
        status="amber",
        category="it-services",
        priority="high",
        dates=("2026-05-01", "2027-04-30", None),
        budget=(410_000, 430_000, 50_000, "USD"),
        tags=["privileged access", "pam", "identity"],
        summary="Administrator passwords kept in a CyberArk vault and rotated after each use.",
        risks=[
            (
                "Administrators keep local accounts outside the vault",
                4,
                4,
                "open",
                "Tomás Ó Briain",
                "Quarterly scan for local admin accounts",
            )
        ],
        body="Sessions to servers are recorded. Break-glass accounts are sealed and audited.",
    ),
    "phishing-simulation": dict(
        title="Phishing Simulation Programme",
        program=CR,
        owner="Tomás Ó Briain",
        phase="monitoring",
        status="green",
        category="it-services",
        priority="low",
        dates=("2025-09-01", "2027-07-30", None),
        budget=(35_000, 35_000, 21_000, "GBP"),
        tags=["awareness", "phishing"],
        summary="Monthly simulated phishing emails to staff, with short training for those who click.",
        body="The click rate fell from 18% to 6% in a year. Research staff get scenarios about "
        "fake journal invitations.",
    ),
    "cyber-essentials": dict(
        title="Cyber Essentials Plus Certification",
        program=CR,
        owner="Tomás Ó Briain",
        phase="implementation",
        status="amber",
        category="it-services",
        priority="high",
        dates=("2026-04-01", "2027-03-31", None),
        budget=(130_000, 150_000, 70_000, "GBP"),
        tags=["cyber essentials", "compliance", "patching"],
        summary="Certify the corporate network so research funders and government contracts can continue.",
        status_note="Unsupported Windows Server 2012 machines fail the scope check.",
        milestones=[("Gap assessment", "2026-06-30", True)],
        body="Devices in scope must be patched within 14 days. Lab instruments on old Windows "
        "are moved to their own network.",
    ),
    "aspnet-retirement": dict(
        title="Legacy ASP.NET Web Forms Retirement",
        program=CR,
        owner="Callum Reid",
        phase="planning",
        status="red",
        category="software",
        priority="medium",
        dates=("2026-04-01", "2027-06-30", "2027-12-17"),
        budget=(470_000, 560_000, 45_000, "GBP"),
        tags=["legacy", ".net", "application retirement"],
        summary="Rewrite or retire 23 in-house ASP.NET Web Forms applications that run on Windows Server "
        "2012.",
        status_note="Nobody owns eleven of the applications; the rewrite estimate rose after discovery.",
        risks=[
            (
                "An unpatched Web Forms application is breached",
                3,
                5,
                "open",
                "Tomás Ó Briain",
                "The applications sit behind the web application firewall",
            )
        ],
        body="Each application is retired, replaced by a SaaS product, or rewritten in .NET 8. "
        "The room booking tool is rewritten first.",
    ),
    "oracle-finance": dict(
        title="Oracle Fusion Finance Implementation",
        program=CS,
        owner="Lars Eriksen",
        phase="implementation",
        status="red",
        category="software",
        priority="high",
        dates=("2025-08-01", "2027-07-30", "2027-11-30"),
        budget=(3_900_000, 4_350_000, 2_300_000, "GBP"),
        tags=["oracle", "finance", "erp"],
        summary="Oracle Fusion Cloud ERP replaces Unit4 Agresso for the ledger, purchasing and research "
        "project accounting.",
        status_note="The chart of accounts redesign is not signed off; data conversion cannot start.",
        risks=[
            (
                "Year-end close falls during go-live",
                3,
                5,
                "open",
                "Lars Eriksen",
                "Go-live after the July year end",
            ),
            (
                "Research project accounting does not fit the standard product",
                4,
                4,
                "open",
                "Oluwaseun Bello",
                "Worktribe keeps costing; Oracle holds the awards",
            ),
        ],
        milestones=[("Chart of accounts signed off", "2026-09-30", False)],
        team=[("Lars Eriksen", "Project Director", 80), ("Grace Adeyemi", "PMO Analyst", 20)],
        body="## Goals\n\nOne finance system for the university and its companies, with monthly "
        "close in five days.\n\n## Scope\n\nGeneral ledger, payables, receivables, purchasing, "
        "assets and grants accounting. Payroll stays in iTrent. We looked at SAP S/4HANA and "
        "Workday Financials before choosing Oracle.",
    ),
    "itrent-upgrade": dict(
        title="iTrent HR and Payroll Upgrade",
        program=CS,
        owner="Lars Eriksen",
        phase="monitoring",
        status="amber",
        category="software",
        priority="medium",
        dates=("2025-11-03", "2026-10-30", "2027-01-29"),
        budget=(260_000, 290_000, 270_000, "GBP"),
        tags=["hr", "payroll", "itrent"],
        summary="Move iTrent HR and payroll to the supplier's hosted service and add employee self-service.",
        status_note="Parallel payroll runs differ for hourly-paid lecturers.",
        milestones=[("Second parallel payroll run", "2026-10-23", True)],
        body="Staff update their details and book leave online. Payroll files go to Oracle "
        "once the new finance system is live.",
    ),
    "purchase-to-pay": dict(
        title="Purchase-to-Pay Automation",
        program=CS,
        owner="Lars Eriksen",
        phase="planning",
        status="green",
        category="software",
        priority="medium",
        dates=("2026-06-01", "2027-09-30", None),
        budget=(240_000, None, 15_000, "GBP"),
        tags=["procurement", "invoices"],
        summary="Purchase orders, invoice scanning and three-way matching in one flow.",
        body="Invoices arrive by email and are read automatically. Approvals follow the budget "
        "holder list in Oracle.",
    ),
    "planon-estates": dict(
        title="Planon Estates Maintenance System",
        program=CS,
        owner="Sinéad Kavanagh",
        phase="initiation",
        status="green",
        category="software",
        priority="low",
        dates=("2026-10-01", "2027-10-29", None),
        budget=(310_000, None, 0, "EUR"),
        tags=["estates", "maintenance", "planon"],
        summary="Planned and reactive maintenance of 140 buildings in Planon, with requests from the app.",
        body="Jobs are raised by QR codes on equipment. Room data is shared with Scientia.",
    ),
    "records-retention": dict(
        title="Records Retention and GDPR Clean-up",
        program=CS,
        owner="Grace Adeyemi",
        phase="planning",
        status="amber",
        category="data-analytics",
        priority="medium",
        dates=("2026-03-02", "2027-03-31", None),
        budget=(75_000, 80_000, 20_000, "GBP"),
        tags=["records management", "gdpr", "retention"],
        summary="Apply the retention schedule to shared drives, email and old systems, and delete what is "
        "past it.",
        status_note="Schools disagree on how long to keep exam scripts.",
        body="Microsoft Purview labels apply the schedule in Microsoft 365. Old file shares "
        "are moved or deleted before the data centre move.",
    ),
    "staff-intranet": dict(
        title="Staff Intranet on SharePoint Online",
        program=CS,
        owner="Hannah Whitcombe",
        phase="closure",
        status="green",
        state="done",
        category="software",
        priority="low",
        dates=("2025-09-01", "2026-05-29", None),
        budget=(110_000, 104_000, 104_000, "GBP"),
        tags=["intranet", "sharepoint"],
        summary="The staff intranet moved from an old Drupal 7 site to SharePoint Online.",
        body="News, policies and the staff directory. Each page has an owner and a review date.",
    ),
    "website-drupal": dict(
        title="University Website on Drupal 10",
        program=SJ,
        owner="Hannah Whitcombe",
        phase="implementation",
        status="amber",
        category="software",
        priority="high",
        dates=("2026-01-05", "2027-03-31", None),
        budget=(690_000, 720_000, 400_000, "GBP"),
        tags=["website", "drupal", "accessibility"],
        summary="Rebuild the public website on Drupal 10 with a course finder fed from the curriculum.",
        status_note="Course pages wait for Workday Student's curriculum data.",
        risks=[
            (
                "Course finder data is not ready for the next recruitment cycle",
                4,
                3,
                "open",
                "Fiona MacLeod",
                "Course pages kept by hand for one more cycle",
            )
        ],
        body="## Scope\n\n9,000 pages cut to about 3,000. Every template passes WCAG 2.2 AA.\n\n"
        "## Approach\n\nSchools move their pages in waves with a content editor each.",
    ),
    "energy-monitoring": dict(
        title="Building Energy Monitoring",
        program=CI,
        owner="Sinéad Kavanagh",
        phase="planning",
        status="amber",
        state="cancelled",
        category="data-analytics",
        priority="low",
        dates=("2026-02-02", "2027-01-29", None),
        budget=(150_000, None, 18_000, "GBP"),
        tags=["energy", "iot", "net zero"],
        summary="LoRaWAN meters and sensors in every building, reporting to the building management system.",
        status_note="Cancelled: folded into the Estates net zero programme.",
        body="Half-hourly readings would show where heating runs in empty buildings.",
    ),
    "parking-permits": dict(
        title="Parking Permits App",
        program=CS,
        owner="Sinéad Kavanagh",
        phase="initiation",
        status="green",
        state="cancelled",
        category="software",
        priority="low",
        dates=("2026-05-01", "2026-12-18", None),
        budget=(30_000, None, 2_000, "GBP"),
        tags=["parking", "permits"],
        summary="Staff and students would apply and pay for parking permits online.",
        status_note="Cancelled after the council's new parking zone made permits free.",
        body="Number plate recognition would have replaced paper permits.",
    ),
    "snowflake-warehouse": dict(
        title="Snowflake Data Warehouse",
        program=DI,
        owner="Priyanka Nair",
        phase="implementation",
        status="amber",
        category="data-analytics",
        priority="high",
        dates=("2025-10-01", "2027-03-31", None),
        budget=(830_000, 880_000, 460_000, "USD"),
        tags=["snowflake", "data warehouse", "dbt"],
        summary="One data warehouse on Snowflake, modelled with dbt, for student, finance and research data.",
        status_note="Student data models wait for the new student record.",
        risks=[
            (
                "Credit consumption exceeds the annual commitment",
                3,
                3,
                "open",
                "Priyanka Nair",
                "Warehouses suspend after five idle minutes; monthly cost review",
            )
        ],
        body="## Scope\n\nLoads from Workday Student, Banner (until retired), Oracle Fusion, "
        "Canvas and iTrent.\n\n## Approach\n\nFivetran loads, dbt models, tested in CI.",
    ),
    "powerbi-migration": dict(
        title="Power BI Reporting Migration",
        program=DI,
        owner="Priyanka Nair",
        phase="monitoring",
        status="green",
        category="data-analytics",
        priority="medium",
        dates=("2025-09-01", "2026-12-18", None),
        budget=(260_000, 255_000, 230_000, "GBP"),
        tags=["power bi", "reporting"],
        summary="Move the 340 SAP BusinessObjects reports to Power BI, or retire them.",
        body="Two thirds of the old reports were never opened in a year and are retired. The "
        "rest read the Snowflake warehouse.",
    ),
    "data-catalogue": dict(
        title="Data Catalogue and Governance",
        program=DI,
        owner="Priyanka Nair",
        phase="planning",
        status="green",
        category="data-analytics",
        priority="medium",
        dates=("2026-05-01", "2027-05-28", None),
        budget=(160_000, None, 12_000, "GBP"),
        tags=["data governance", "purview", "data quality"],
        summary="Every dataset in the warehouse has an owner, a definition and a quality score in Microsoft "
        "Purview.",
        body="Data stewards in each directorate agree the definitions of student and staff "
        "measures used in league table returns.",
    ),
    "copilot-pilot": dict(
        title="Microsoft 365 Copilot Pilot",
        program=DI,
        owner="Priyanka Nair",
        phase="initiation",
        status="amber",
        category="software",
        priority="medium",
        dates=("2026-09-01", "2027-02-26", None),
        budget=(120_000, None, 30_000, "USD"),
        tags=["copilot", "generative ai", "microsoft 365"],
        summary="300 staff try Microsoft 365 Copilot for a term; we measure time saved and oversharing "
        "found.",
        status_note="Oversharing on SharePoint sites must be fixed before licences are issued.",
        body="Professional services staff in four directorates take part. Sensitive sites are "
        "labelled with Purview first.",
    ),
    "retention-model": dict(
        title="Student Retention Prediction Model",
        program=DI,
        owner="Priyanka Nair",
        phase="planning",
        status="red",
        category="data-analytics",
        priority="medium",
        dates=("2026-03-02", "2027-01-29", "2027-06-30"),
        budget=(140_000, 175_000, 60_000, "GBP"),
        tags=["machine learning", "retention", "student success"],
        summary="A model that flags first-year students at risk of withdrawing, for their personal tutors.",
        status_note="The ethics committee asked for a bias review before any student is flagged.",
        risks=[
            (
                "The model is biased against widening participation students",
                3,
                5,
                "open",
                "Priyanka Nair",
                "Independent fairness review; tutors see reasons, not scores",
            )
        ],
        body="Trained on five years of engagement data from the warehouse. Tutors decide what "
        "to do; the model only orders their list.",
    ),
    "service-desk": dict(
        title="Jira Service Management Rollout",
        program=CI,
        owner="Callum Reid",
        phase="implementation",
        status="green",
        category="it-services",
        priority="medium",
        dates=("2026-02-02", "2026-12-18", None),
        budget=(210_000, 205_000, 150_000, "GBP"),
        tags=["service desk", "itsm", "jira"],
        summary="The IT service desk, Estates and the Library take requests in Jira Service Management "
        "instead of TOPdesk.",
        body="One portal for students and staff. Incidents from Sentinel and monitoring open "
        "tickets automatically.\n\n## Scope\n\nIncident, request, change and the knowledge base.",
    ),
    "library-alma": dict(
        title="Library Discovery on Alma and Primo VE",
        program=RE,
        owner="Elena Petrova",
        phase="monitoring",
        status="green",
        category="software",
        priority="medium",
        dates=("2025-06-02", "2026-12-18", None),
        budget=(230_000, 225_000, 215_000, "EUR"),
        tags=["library", "alma", "primo"],
        summary="The library catalogue and e-resources moved to Ex Libris Alma, searched through Primo VE.",
        body="Reading lists in Canvas link to the catalogue. Loans show in the student app.",
    ),
    "windows11-devices": dict(
        title="Windows 11 and Intune for Staff Devices",
        program=CI,
        owner="Nathan Cho",
        phase="implementation",
        status="amber",
        category="it-services",
        priority="high",
        dates=("2025-11-03", "2026-10-30", "2027-01-29"),
        budget=(380_000, 410_000, 300_000, "GBP"),
        tags=["windows 11", "intune", "devices"],
        summary="Upgrade 7,800 staff computers to Windows 11, managed by Intune instead of Configuration "
        "Manager.",
        status_note="1,100 lab PCs with instrument software cannot be upgraded yet.",
        milestones=[("All office PCs upgraded", "2026-10-14", False)],
        body="Devices are enrolled with Autopilot. Machines that cannot run Windows 11 are "
        "replaced through the laptop refresh budget.",
    ),
}

ABOUT = (
    "---\ntitle: About this portfolio\n---\nThe Portfolio Office of IT Services publishes every "
    "approved project here. Project leads update their RAG status each month; the Digital "
    "Strategy Board reviews red projects and any project more than 10% over budget.\n"
)


def _quoted_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _project_file(p: dict) -> str:
    q = json.dumps
    planned, forecast, actual, currency = p["budget"]
    start, end, forecast_end = p["dates"]
    lines = [
        "---",
        f"title: {q(p['title'])}",
        f"phase: {p['phase']}",
        f"status: {p['status']}",
        f"state: {p.get('state', 'active')}",
        f"owner: {q(p['owner'])}",
        f"program: {q(p['program'])}",
        f"category: {p['category']}",
        f"priority: {p['priority']}",
        f"start: {start}",
        f"end: {end}",
        "status_date: 2026-11-09",
        f"summary: {q(p['summary'])}",
        f"tags: {_quoted_list(p['tags'])}",
    ]
    if forecast_end:
        lines.append(f"forecast_end: {forecast_end}")
    lines += [
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
        for title, probability, impact, status, owner, mitigation in p["risks"]:
            lines += [
                f"  - title: {q(title)}",
                f"    probability: {probability}",
                f"    impact: {impact}",
                f"    owner: {q(owner)}",
                "    response: mitigate",
                f"    mitigation: {q(mitigation)}",
                f"    status: {status}",
            ]
    if p.get("milestones"):
        lines.append("milestones:")
        for name, date, done in p["milestones"]:
            lines += [f"  - name: {q(name)}", f"    date: {date}", f"    done: {str(done).lower()}"]
    if p.get("team"):
        lines.append("team:")
        for person, role, allocation in p["team"]:
            lines.append(f"  - {{person: {q(person)}, role: {q(role)}, allocation: {allocation}}}")
    return "\n".join(lines) + "\n---\n" + p["body"] + "\n"


def heldout_portfolio() -> dict[str, str]:
    """The portfolio's files by path."""
    files = {"site.yaml": SITE, "content/pages/about.md": ABOUT}
    for slug, (name, team, role, skills) in PEOPLE.items():
        files[f"content/people/{slug}.md"] = (
            f"---\nname: {json.dumps(name)}\nteam: {json.dumps(team)}\nrole: {json.dumps(role)}\n"
            f"skills: {_quoted_list(skills)}\n---\n{role} in {team}.\n"
        )
    for slug, (title, owner, summary) in PROGRAMS.items():
        files[f"content/programs/{slug}.md"] = (
            f"---\ntitle: {json.dumps(title)}\nowner: {json.dumps(owner)}\n"
            f"summary: {json.dumps(summary)}\n---\n{summary}\n"
        )
    for slug, fields in PROJECTS.items():
        files[f"content/projects/{slug}.md"] = _project_file(fields)
    return files
