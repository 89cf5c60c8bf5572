"""The files of a new portfolio repository (``itpm-site init``), as text templates.

Dates are placeholders filled in relative to the day of ``init`` ({d+30} is thirty days
later), so the example projects look current and pass ``check --strict`` as written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex

from itpm_site import __version__

#: The marker that lets the workflow update its own pull-request comment instead of adding one.
COMMENT_MARKER = "<!-- itpm-site-diff -->"

SITE_YAML = """\
# Settings of the portfolio site; every key is optional.
# Reference: https://pypi.org/project/itpm-site/ (docs/site-yaml.md).
# Editor completion (VS Code + the Red Hat YAML extension): once the site is published, add
#   # yaml-language-server: $schema=<your site address>/schema/site.json
# as the first line of this file.
title: {title}
currency: {currency}
# exchange_rates:        # value of one unit in the base currency, e.g.
#   EUR: 1.08
language: en
# base_url is set by the deploy workflow from the GitHub Pages address.
# repo_url: https://github.com/<owner>/<repository>   # makes "Edit this file" a link
# history:               # the pages read from git history
#   weeks: 8             # how many weeks "What changed" shows
#   stale_days: 30       # flag a project whose file has not changed for longer
#   authors: false       # show who made each change (names of editors may be sensitive)
"""

PROGRAM = """\
---
title: Digital Workplace
owner: {owner}
summary: Tools and services that let every colleague work from anywhere.
---
The program groups the projects that modernise how people work: devices, collaboration and
the service desk. Its projects are listed below, with their combined budget and risks.
"""

PROJECT_INITIATION = """\
---
title: Service Desk Virtual Agent
phase: initiation
status: green
status_note: Business case in preparation; first vendor demos booked.
status_date: {d+0}
owner: {owner}
sponsor: Head of IT Operations
program: Digital Workplace
category: it-services
priority: medium
start: {d+0}
end: {d+240}
progress: 5
budget:
  planned: 120000
  currency: {currency}
risks:
  - title: Answers from the virtual agent are wrong or out of date
    probability: 3
    impact: 3
    owner: {owner}
    response: mitigate
    mitigation: Answers only from the reviewed knowledge base; hand-over to a person on request
    status: open
milestones:
  - name: Business case approved
    date: {d+30}
    done: false
  - name: Vendor selected
    date: {d+75}
    done: false
depends_on: [network-refresh]
tags: [service-desk, automation]
summary: A chat assistant that answers the most common service desk questions day and night.
---
## Purpose

About 40% of service desk tickets are password resets, access requests and "how do I"
questions. A virtual agent answers them at once and leaves the service desk time for the
difficult cases.

## Feasibility

Options considered, rough cost and benefit, and the recommendation go here.
"""

PROJECT_IMPLEMENTATION = """\
---
title: Network Refresh
phase: implementation
status: amber
status_note: Switch deliveries for two sites slipped three weeks; the installers were re-planned.
status_date: {d+0}
owner: {owner}
sponsor: Chief Information Officer
program: Digital Workplace
category: network-cloud
priority: high
start: {d-120}
end: {d+90}
forecast_end: {d+111}
progress: 55
budget:
  planned: 450000
  actual: 260000
  forecast: 470000
  currency: {currency}
risks:
  - title: Switch deliveries slip again
    probability: 3
    impact: 4
    owner: {owner}
    response: mitigate
    mitigation: Second distributor on standby; installation order follows actual deliveries
    status: open
  - title: Cut-over disturbs the branches during opening hours
    probability: 2
    impact: 4
    owner: {owner}
    response: avoid
    mitigation: Cut-overs only at night and at weekends, with a tested way back
    status: monitoring
milestones:
  - name: Core network replaced
    date: {d-30}
    done: true
  - name: All branches migrated
    date: {d+80}
    done: false
  - name: Old equipment decommissioned
    date: {d+105}
    done: false
team: [Ana Lomidze, Luka Meskhi]
tags: [network, branches]
links:
  - {{title: Vendor contract, url: "https://example.com/contracts/network"}}
summary: New switches, Wi-Fi and firewalls at headquarters and every branch.
---
## Scope

Replace the core and branch switches, the Wi-Fi access points and the branch firewalls.

## Status notes

Write what changed since the last update here: the status above says how the project is
doing; the notes say why.
"""

PROJECT_CLOSURE = """\
---
title: Sales Dashboard
phase: closure
status: green
status_note: Accepted by Sales; handed over to the BI team for operation.
status_date: {d+0}
state: done
owner: {owner}
sponsor: Head of Sales
category: data-analytics
priority: medium
start: {d-300}
end: {d-20}
progress: 100
budget:
  planned: 80000
  actual: 76500
  forecast: 76500
  currency: {currency}
risks:
  - title: Sales figures in the dashboard differ from the finance report
    probability: 2
    impact: 3
    owner: {owner}
    response: mitigate
    mitigation: One shared definition of revenue; monthly reconciliation with Finance
    status: closed
milestones:
  - name: Data model agreed with Finance
    date: {d-200}
    done: true
  - name: Dashboard live for all sales teams
    date: {d-40}
    done: true
tags: [sales, reporting]
summary: One dashboard with pipeline, orders and revenue for every sales team.
---
## Outcome

The dashboard replaced twelve spreadsheets. Lessons learned and the hand-over to operations
are recorded here.
"""

ABOUT_PAGE = """\
---
title: About this portfolio
summary: What this site shows and how to change it.
order: 1
---
This site shows every IT project of {title}: its phase, health, budget, risks and
milestones, with rollups by program, owner and category.

## How to change it

Every project is one Markdown file in `content/projects/`. Edit a file (or add one with
`itpm-site new project "Title"`), open a pull request, and the checks tell you about any
mistake, line by line. The pull request also gets a comment that summarises what changed in
the portfolio: phase moves, status changes, budgets, risks and milestones. Once merged, the
site is rebuilt and published.

## Downloads

The whole portfolio is also available as `portfolio.json`, as CSV files for spreadsheets,
and as a calendar of milestones (`milestones.ics`) to subscribe to.
"""

GITIGNORE = """\
# The built site (itpm-site build) and its temporary folders
/public/
/.public.*
__pycache__/
.venv/
"""

README = """\
# {title}

An IT project portfolio kept as Markdown files and published with
[itpm-site](https://pypi.org/project/itpm-site/).

- `content/projects/*.md`: one file per project (front matter + Markdown)
- `content/programs/*.md`: programs; `content/pages/*.md`: free pages
- `site.yaml`: site settings
- `.github/workflows/portfolio.yml`: checks pull requests, comments the portfolio diff, and
  publishes the site to GitHub Pages

## Work on it locally

```sh
python -m pip install {requirement}
itpm-site check          # every problem in every file, like a compiler
itpm-site serve          # http://127.0.0.1:8000, rebuilt on every save
itpm-site new project "My new project"
```

## Publish with GitHub Pages

Push this repository to GitHub, then in *Settings → Pages* choose *Source: GitHub Actions*.
Every push to `main` builds and deploys the site; every pull request is checked and gets a
comment with what changed in the portfolio.
"""

#: pre-commit: `itpm-site check` before each commit, installed as the workflow installs it (a
#: local hook with the same requirement, so no tag of the itpm-site repository is needed).
PRE_COMMIT = """\
# `itpm-site check` before each commit touching the portfolio (https://pre-commit.com):
#   python -m pip install pre-commit && pre-commit install
repos:
  - repo: local
    hooks:
      - id: itpm-site-check
        name: itpm-site check
        entry: itpm-site check
        language: python
        # The same itpm-site as ITPM_SITE in .github/workflows/portfolio.yml.
        additional_dependencies: [{requirement}]
        pass_filenames: false
        files: ^(content/|site\\.yaml$)
        # args: [--strict]   # also fail on warnings
"""

DEPENDABOT = """\
# Keeps the actions used by the workflow up to date.
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: monthly
    cooldown:  # a new release waits a week, in case it is withdrawn or compromised
      default-days: 7
"""

WORKFLOW = r"""# Checks pull requests and publishes the portfolio with GitHub Pages.
#
# Pull request: `itpm-site check` shows every problem inline on the changed lines, and
#   `itpm-site diff` posts what changed in the portfolio as one comment, updated on each push.
# Push to main (and daily, so "overdue" stays true): build for the Pages address and deploy.
# One-time setup: Settings -> Pages -> Source: "GitHub Actions".
name: Portfolio

on:
  pull_request:
  push:
    branches: [main]  # your default branch
  schedule:
    - cron: "17 5 * * *"
  workflow_dispatch:

env:
  # Which itpm-site to install (a pip requirement): the one that wrote this file, pinned so
  # builds repeat exactly (a version from PyPI, or a git URL at a commit).
  ITPM_SITE: __REQUIREMENT__
  PYTHON_VERSION: "3.12"

permissions:
  contents: read

# A newer push to a pull request makes its running check moot; builds of main all finish.
concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: ${{ github.event_name == 'pull_request' }}

jobs:
  check:
    name: Check and diff
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read  # to read the portfolio and its history
      pull-requests: write  # to post the portfolio diff as a comment
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8  # v5.0.0
        with:
          fetch-depth: 0  # the diff reads the base revision from the git history
          persist-credentials: false  # no token left in .git/config for later steps
      - uses: actions/setup-python@e797f83bcb11b83ae66e0230d6156d7c80228e7c  # v6.0.0
        with:
          python-version: ${{ env.PYTHON_VERSION }}
      - name: Install itpm-site
        run: python -m pip install "$ITPM_SITE"
      - name: Check the content
        run: itpm-site check --format github
      - name: Portfolio diff
        if: success() || failure()  # also after a failed check: the diff lists the errors
        env:
          BASE_SHA: ${{ github.event.pull_request.base.sha }}
        run: |
          itpm-site diff "$BASE_SHA" --max-chars 60000 > portfolio-diff.md
          cat portfolio-diff.md >> "$GITHUB_STEP_SUMMARY"
      - name: Comment on the pull request
        if: (success() || failure()) && hashFiles('portfolio-diff.md') != ''
        continue-on-error: true  # pull requests from forks get a read-only token
        uses: actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd  # v8.0.0
        with:
          script: |
            const fs = require('fs');
            const marker = '__MARKER__';
            const body = `${marker}\n${fs.readFileSync('portfolio-diff.md', 'utf8')}`;
            const { owner, repo } = context.repo;
            const issue_number = context.issue.number;
            const comments = await github.paginate(github.rest.issues.listComments,
              { owner, repo, issue_number, per_page: 100 });
            const previous = comments.find(
              (c) => c.user.type === 'Bot' && c.body.startsWith(marker));
            if (previous) {
              await github.rest.issues.updateComment(
                { owner, repo, comment_id: previous.id, body });
            } else {
              await github.rest.issues.createComment({ owner, repo, issue_number, body });
            }

  build:
    name: Build the site
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8  # v5.0.0
        with:
          persist-credentials: false
          fetch-depth: 0  # the history pages read every commit
      - uses: actions/setup-python@e797f83bcb11b83ae66e0230d6156d7c80228e7c  # v6.0.0
        with:
          python-version: ${{ env.PYTHON_VERSION }}
      - name: Install itpm-site
        run: python -m pip install "$ITPM_SITE"
      # The build cache: itpm-site's cache folder (ITPM_SITE_CACHE_DIR) and the site it built
      # last (public/), restored here and saved when the job succeeds, so a build starts warm.
      # Only this job (pushes to main, the schedule, manual runs) uses it, never the
      # pull-request job, which runs what a pull request (from a fork too) contains: what the
      # cache holds is trusted as itpm-site wrote it, and parts of it run as code when a build
      # reads them. A missing, cut-short or stale cache (another itpm-site, Python or library)
      # only costs time: each part is checked against what it was made from and made afresh if
      # it does not match, and a file of the last site is reused only if its digest matches
      # the record. See docs/hosting.md.
      - name: Keys of the build cache
        id: keys
        env:
          SETTINGS: ${{ hashFiles('site.yaml', 'themes/**') }}
        run: |
          # Which itpm-site (ITPM_SITE may be a URL) and which Python, as one short digest.
          version=$(printf '%s/%s' "$ITPM_SITE" "$PYTHON_VERSION" | sha256sum | cut -c1-16)
          echo "version=itpm-site-$RUNNER_OS-$version-" >> "$GITHUB_OUTPUT"
          echo "settings=itpm-site-$RUNNER_OS-$version-$SETTINGS-" >> "$GITHUB_OUTPUT"
      - name: Build cache
        uses: actions/cache@55cc8345863c7cc4c66a329aec7e433d2d1c52a9  # v6.1.0
        with:
          path: |
            ${{ runner.temp }}/itpm-site-cache
            public
          # A cache is never overwritten, so each run saves its own (run id and attempt). A run
          # restores the latest cache of the same itpm-site and settings (site.yaml, themes/),
          # else of the same itpm-site, else any.
          key: ${{ steps.keys.outputs.settings }}${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: |
            ${{ steps.keys.outputs.settings }}
            ${{ steps.keys.outputs.version }}
            itpm-site-${{ runner.os }}-
      - name: Drop a restored site that is incomplete
        # A restore that failed half-way can leave public/ without the marker that lets
        # itpm-site replace it, and the build would refuse it; without it, every page is
        # simply written afresh.
        run: if [ -d public ] && [ ! -f public/.itpm-site-output ]; then rm -rf public; fi
      - name: Configure GitHub Pages
        id: pages
        uses: actions/configure-pages@983d7736d9b0ae728b81ab479565c72886d7745b  # v5.0.0
      - name: Build
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
          # Outside the repository, and the folder the step "Build cache" restores and saves.
          ITPM_SITE_CACHE_DIR: ${{ runner.temp }}/itpm-site-cache
        run: itpm-site build --base-url "$BASE_URL"
      - uses: actions/upload-pages-artifact@7b1f4a764d45c48632c6b24a0339c27f5614fb0b  # v4.0.0
        with:
          path: public

  deploy:
    name: Deploy to GitHub Pages
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write  # to publish the site
      id-token: write  # to prove to GitHub Pages that this workflow deploys it
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    concurrency:  # one deployment at a time; never cancel one half-way
      group: pages
      cancel-in-progress: false
    steps:
      - name: Deploy
        id: deployment
        uses: actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e  # v4.0.5
"""

CODEOWNERS = """\
# Themes, site settings and workflows are code: a theme template runs Python during the build,
# site.yaml can let raw HTML through (allow_html), and a workflow runs with the repository's
# token. Changes to them need a maintainer's review; project files do not.
# Turn on "Require review from Code Owners" in the branch protection of main.
{owners_note}/themes/    {owners}
/site.yaml  {owners}
/.github/   {owners}
"""

#: The owner written when ``init`` is given none: GitHub reports it as unknown until replaced.
PLACEHOLDER_OWNER = "@your-org/portfolio-maintainers"

_OFFSET = re.compile(r"\{d([+-]\d+)\}")


def _yaml(value: str) -> str:
    # JSON strings are valid YAML scalars: safe for any title or name.
    return json.dumps(value, ensure_ascii=False)


#: A GitHub user (@name), team (@org/team) or e-mail address, as CODEOWNERS accepts them.
MAINTAINER = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+")


def codeowners(maintainers: list[str]) -> str:
    """The CODEOWNERS file: ``maintainers`` (see MAINTAINER) own what runs as code."""
    owners = " ".join(m if "@" in m else f"@{m}" for m in maintainers)
    note = (
        ""
        if owners
        else f"# Replace {PLACEHOLDER_OWNER} with the GitHub users or team who maintain the site.\n"
    )
    return CODEOWNERS.format(owners=owners or PLACEHOLDER_OWNER, owners_note=note)


def files(
    title: str,
    owner: str,
    currency: str,
    today: dt.date,
    maintainers: list[str] | None = None,
    requirement: str | None = None,
) -> dict[str, str]:
    """Every file of a new portfolio repository: {relative path: text}. ``requirement``: the
    pip requirement the workflow and the pre-commit hook install (default: this version)."""

    def fill(template: str, **extra: str) -> str:
        text = _OFFSET.sub(lambda m: (today + dt.timedelta(days=int(m[1]))).isoformat(), template)
        return text.format(owner=_yaml(owner), currency=currency, **extra)

    # A YAML double-quoted string (JSON's quoting is YAML's), whatever the URL holds.
    quoted = json.dumps(requirement or f"itpm-site=={__version__}")
    return {
        "site.yaml": fill(SITE_YAML, title=_yaml(title)),
        "content/projects/service-desk-virtual-agent.md": fill(PROJECT_INITIATION),
        "content/projects/network-refresh.md": fill(PROJECT_IMPLEMENTATION),
        "content/projects/sales-dashboard.md": fill(PROJECT_CLOSURE),
        "content/programs/digital-workplace.md": fill(PROGRAM),
        "content/pages/about.md": ABOUT_PAGE.format(title=title),
        ".gitignore": GITIGNORE,
        "README.md": README.format(title=title, requirement=shlex.quote(json.loads(quoted))),
        ".pre-commit-config.yaml": PRE_COMMIT.format(requirement=quoted),
        ".github/workflows/portfolio.yml": WORKFLOW.replace("__REQUIREMENT__", quoted).replace(
            "__MARKER__", COMMENT_MARKER
        ),
        ".github/dependabot.yml": DEPENDABOT,
        ".github/CODEOWNERS": codeowners(maintainers or []),
    }
