#!/usr/bin/env python3
"""Write the four documents of the Riverford Local Offer sample site.

The sample site links two PDFs and two Word documents from its pages. This script
is how they were made; the files it writes are committed, so nothing runs it at
build or run time. Run it again only after changing the text below:

    pip install fpdf2 python-docx
    python3 examples/sample-site/tools/make-documents.py

then run make-pages.py, whose "Related documents" links show each file's size.

The output is deterministic: fixed creation dates in the metadata and fixed
timestamps inside the DOCX zip files, so re-running it without edits changes no
bytes. The PDFs use the core Helvetica font, which covers Latin-1 only, so their
text uses straight quotes and plain hyphens (the pound sign is in Latin-1).
"""

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from fpdf import FPDF

SITE_DIR = Path(__file__).resolve().parent.parent
DOCUMENTS_DIR = SITE_DIR / "documents"
AUTHOR = "Riverford Council"

# Inside a DOCX every zip entry carries a timestamp; a fixed one keeps the file stable.
ZIP_TIMESTAMP = (2026, 9, 1, 9, 0, 0)


# ---------------------------------------------------------------------------
# Document texts. Each is a list of blocks: ("h1" | "h2" | "p" | "li" | "field", text).
# ---------------------------------------------------------------------------

INCLUSION_FUNDING_FORM = [
    ("h1", "Inclusion funding application form"),
    ("p", "Riverford Council - Education and Learning - SEND Inclusion Team"),
    ("p", "Use this inclusion funding application form to ask for inclusion funding for a "
          "child or young person at a Riverford school or early years setting. Read the "
          "inclusion funding guidance notes at the end of this form before you start. Only "
          "the school or setting can send an inclusion funding application; parents and "
          "carers give their consent in Part D."),
    ("h2", "Part A: about the child or young person"),
    ("field", "Full name"),
    ("field", "Date of birth"),
    ("field", "School or setting"),
    ("field", "Year group"),
    ("field", "Does the child have an EHC plan? (A child with an EHC plan cannot also "
              "receive inclusion funding)"),
    ("h2", "Part B: why the school is asking for inclusion funding"),
    ("p", "Describe the child's needs and the support already in place through SEN support. "
          "Inclusion funding is for needs that cost more than the school can meet from its "
          "own SEN budget. Tell us what has been tried, for how long, and what difference it "
          "made. Attach the child's most recent support plan with this inclusion funding "
          "application."),
    ("field", "Main area of need (communication and interaction, cognition and learning, "
              "social, emotional and mental health, or sensory and/or physical)"),
    ("field", "Support already in place and its cost to the school"),
    ("field", "Advice from other professionals (for example speech and language therapy "
              "or an educational psychologist)"),
    ("h2", "Part C: how the school will use the inclusion funding"),
    ("p", "Tell us what the inclusion funding will pay for, the outcomes you expect and how "
          "you will review them. Inclusion funding is usually agreed for up to two terms at "
          "a time. The inclusion funding panel may agree a lower amount than the amount "
          "asked for."),
    ("field", "Amount of inclusion funding requested per term (£)"),
    ("field", "What the inclusion funding will pay for"),
    ("field", "Expected outcomes and review date"),
    ("h2", "Part D: parent or carer consent"),
    ("p", "I agree that the school may send this inclusion funding application and share "
          "the information in it with the Riverford inclusion funding panel. I understand "
          "that inclusion funding is paid to the school, not to the family."),
    ("field", "Parent or carer name and signature"),
    ("field", "Date"),
    ("h2", "Inclusion funding guidance notes"),
    ("li", "The inclusion funding panel meets twice each half term. Send the inclusion "
           "funding application form at least ten school days before the panel date."),
    ("li", "Incomplete inclusion funding applications are returned to the school."),
    ("li", "The panel writes to the school with its inclusion funding decision within five "
           "school days of the meeting."),
    ("li", "Schools report on how the inclusion funding was spent at the end of each "
           "funded term. A school may ask for inclusion funding again after a review."),
    ("li", "Questions about inclusion funding: SEND Inclusion Team, 01632 960 418, "
           "inclusion.funding@riverford.example"),
]

POST16_TRANSPORT_POLICY = [
    ("h1", "Post-16 transport policy statement 2026 to 2027"),
    ("p", "Riverford Council - transport for students of sixth form age, and for young "
          "adults aged 19 to 25 with SEND"),
    ("h2", "1. About this policy statement"),
    ("p", "Every year the council must publish a statement setting out the transport "
          "arrangements it considers necessary to help young people of sixth form age "
          "attend education or training. This statement covers the academic year from "
          "September 2026 to July 2027. It applies to students aged 16 to 18, and to "
          "learners aged 19 to 25 who have an EHC plan."),
    ("h2", "2. Who can get help with post-16 transport"),
    ("li", "Students aged 16 to 18 who live in Riverford and attend a school sixth form, "
           "college or training provider."),
    ("li", "Students whose special educational needs, disability or mobility mean they "
           "cannot reasonably be expected to travel independently, even with travel "
           "training."),
    ("li", "Young adults aged 19 to 25 with an EHC plan whose plan names a course or "
           "placement that they cannot reach without help."),
    ("p", "Having an EHC plan does not by itself mean a student will get transport. The "
          "council looks at each application individually."),
    ("h2", "3. What help may be offered"),
    ("li", "Independent travel training, so the student can learn a route safely."),
    ("li", "A bus or rail pass for the route to the place of study."),
    ("li", "A personal travel budget paid to the family, so they can make their own "
           "arrangements."),
    ("li", "A shared minibus or taxi, only where none of the above would work."),
    ("h2", "4. Contributions from families"),
    ("p", "Families of students aged 16 to 18 are asked to pay a contribution of £660 a "
          "year (£330 for families on a low income) towards post-16 transport. The "
          "contribution can be paid in ten monthly instalments. Learners aged 19 to 25 "
          "with an EHC plan pay no contribution."),
    ("h2", "5. How and when to apply"),
    ("p", "Apply online through the Riverford Local Offer from 1 May 2026. Apply by 30 June "
          "2026 to have transport in place for the start of the autumn term. Late "
          "applications are dealt with in date order and may take up to 20 school days."),
    ("h2", "6. Reviews and appeals"),
    ("p", "If you disagree with a post-16 transport decision you can ask for a review "
          "within 20 working days of the decision letter. A senior officer who was not "
          "involved in the first decision will look at it again. If you still disagree, an "
          "independent appeal panel can hear your case."),
    ("h2", "7. Contact"),
    ("p", "SEND Transport Team, Riverford Council, 01632 960 552, "
          "send.transport@riverford.example"),
]

EHC_REQUEST_FORM = [
    ("h1", "EHC needs assessment request form"),
    ("p", "Use this form to ask Riverford Council to carry out an education, health and "
          "care (EHC) needs assessment. Parents, carers, young people aged 16 to 25 and "
          "schools or settings can all make a request. You do not need a diagnosis to ask."),
    ("h2", "Section 1: the child or young person"),
    ("field", "Full name"),
    ("field", "Date of birth"),
    ("field", "Home address"),
    ("field", "School, college or setting"),
    ("h2", "Section 2: who is making the request"),
    ("field", "Name and relationship to the child or young person"),
    ("field", "Phone number and email address"),
    ("h2", "Section 3: the child or young person's needs"),
    ("p", "Tell us about the child or young person's needs, what support they get now and "
          "why you think it is not enough. Include any reports you have, for example from "
          "the SENCO, a speech and language therapist or an educational psychologist."),
    ("field", "Needs"),
    ("field", "Support in place now"),
    ("field", "Why an EHC needs assessment is needed"),
    ("h2", "Section 4: the views of the child or young person"),
    ("p", "What matters to them, what they are good at, and what they find hard. They can "
          "write this themselves, draw it, or tell someone who writes it down for them."),
    ("field", "Views"),
    ("h2", "Section 5: consent"),
    ("p", "I agree that Riverford Council may contact the professionals who know the child "
          "or young person and ask them for advice as part of this request."),
    ("field", "Signature and date"),
    ("h2", "What happens next"),
    ("p", "We will write to you within six weeks to say whether we will carry out an EHC "
          "needs assessment. Send the completed form to the SEND Assessment Team, "
          "send.assessment@riverford.example."),
]

SHORT_BREAKS_GUIDE = [
    ("h1", "Short breaks: a guide for families"),
    ("p", "Short breaks give disabled children and young people the chance to spend time "
          "away from their parents or carers, doing something they enjoy, while their "
          "families get a rest. Some families call this respite."),
    ("h2", "Which short breaks are there?"),
    ("li", "Open-access activities: holiday clubs, youth clubs and sports sessions that any "
           "disabled child can join without an assessment."),
    ("li", "Targeted short breaks: activity groups and day sessions for children with more "
           "complex needs, booked through the Short Breaks Team."),
    ("li", "Specialist short breaks: overnight stays or care at home, arranged after a "
           "social care assessment."),
    ("h2", "Who can use them?"),
    ("p", "Children and young people aged 0 to 18 who live in Riverford and have a "
          "disability or additional needs. Young people aged 18 to 25 are supported through "
          "adult social care."),
    ("h2", "How much do they cost?"),
    ("p", "Many open-access activities are free or cost a few pounds a session. Targeted "
          "breaks are funded by the council for eligible families, up to £1,500 a year. "
          "Some families choose to take this as a direct payment."),
    ("h2", "How to ask for a short break"),
    ("p", "Ring the Short Breaks Team on 01632 960 734, or fill in the short breaks "
          "request on the Local Offer website. We aim to reply within ten working days."),
    ("h2", "Telling us what you think"),
    ("p", "We ask families each year which activities worked and which did not, and we "
          "change the offer based on what you tell us."),
]


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def write_pdf(path, title, blocks, created):
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(AUTHOR)
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    for kind, text in blocks:
        if kind == "h1":
            pdf.set_font("Helvetica", "B", 18)
            pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "h2":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "li":
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, "- " + text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "field":
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, text + ":", new_x="LMARGIN", new_y="NEXT")
            pdf.cell(0, 8, "_" * 70, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)

    pdf.output(str(path))


def write_docx(path, title, blocks, created):
    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.created = created
    properties.modified = created
    properties.revision = 1
    properties.comments = ""

    for kind, text in blocks:
        if kind == "h1":
            document.add_heading(text, level=1)
        elif kind == "h2":
            document.add_heading(text, level=2)
        elif kind == "li":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "field":
            document.add_paragraph(text + ":")
            document.add_paragraph("")
        else:
            document.add_paragraph(text)

    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(with_fixed_timestamps(buffer.getvalue()))


def with_fixed_timestamps(zip_bytes):
    """Rewrites a zip so every entry has the same timestamp (python-docx stamps 'now')."""
    source = zipfile.ZipFile(io.BytesIO(zip_bytes))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIMESTAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(entry.filename))
    return output.getvalue()


def main():
    DOCUMENTS_DIR.mkdir(exist_ok=True)

    def date(year, month, day):
        return datetime(year, month, day, 9, 0, 0, tzinfo=timezone.utc)

    write_pdf(DOCUMENTS_DIR / "inclusion-funding-application-form.pdf",
              "Inclusion funding application form",
              INCLUSION_FUNDING_FORM, date(2026, 4, 20))
    write_pdf(DOCUMENTS_DIR / "post-16-transport-policy-2026-27.pdf",
              "Post-16 transport policy statement 2026 to 2027",
              POST16_TRANSPORT_POLICY, date(2026, 5, 1))
    # python-docx stores naive datetimes as UTC.
    write_docx(DOCUMENTS_DIR / "ehc-needs-assessment-request-form.docx",
               "EHC needs assessment request form",
               EHC_REQUEST_FORM, datetime(2025, 11, 3, 9, 0, 0))
    write_docx(DOCUMENTS_DIR / "short-breaks-guide-for-families.docx",
               "Short breaks: a guide for families",
               SHORT_BREAKS_GUIDE, datetime(2026, 2, 16, 9, 0, 0))

    for path in sorted(DOCUMENTS_DIR.iterdir()):
        print(f"{path.relative_to(SITE_DIR)}\t{path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
