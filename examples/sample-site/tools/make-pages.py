#!/usr/bin/env python3
"""Write the HTML pages, robots.txt and sitemap.xml of the Riverford Local Offer sample site.

Riverford Council is fictional; every page text below was written for this sample site.
The files this script writes are committed and served as they are, so nothing runs it at
build or run time. Run it after editing a page here, or after make-documents.py changed a
document (the "Related documents" links show each file's size):

    python3 examples/sample-site/tools/make-pages.py

Needs Python 3.8 or later and nothing else. The page chrome (cookie banner, header search
form, main navigation, breadcrumbs, footer) is the same on every page, as a CMS template
would make it; each page below gives only its metadata and the inside of <main>.
"""

import html
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent.parent
SITE_SUFFIX = " - Riverford Local Offer"
ROUTES = {
    "education-and-learning": "Education and learning",
    "health-and-wellbeing": "Health and wellbeing",
    "social-care": "Social care",
}

# Each page: path on the site, title (without the suffix), meta description, meta
# keywords and their form ("sentence", "comma" or None for no keywords element), the
# "Last reviewed" date as (year, month, day), whether the sitemap lists it, the route it
# sits in (None for pages outside the three routes), and the HTML inside <main> after the
# <h1>. `documents` lists (file name, link text) for the "Related documents" section.
PAGES = []


def page(path, title, description, keywords, keyword_form, reviewed, body,
         route=None, h1=None, in_sitemap=True, documents=(), parent=None):
    PAGES.append({
        "path": path,
        "title": title,
        "h1": h1 or title,
        "description": description,
        "keywords": keywords,
        "keyword_form": keyword_form,
        "reviewed": reviewed,
        "in_sitemap": in_sitemap,
        "route": route,
        "parent": parent,
        "body": body.strip("\n"),
        "documents": list(documents),
    })


# ---------------------------------------------------------------------------
# Home and route landing pages
# ---------------------------------------------------------------------------

page(
    "/index.html",
    "Home",
    "The Riverford Local Offer: information, advice and services for children and young "
    "people aged 0 to 25 with special educational needs and disabilities, and their families.",
    "The Riverford Local Offer brings together education, health and social care support "
    "for children and young people with SEND aged 0 to 25. Find services, advice and "
    "what to expect, in one place.",
    "sentence",
    (2026, 11, 2),
    h1="Welcome to the Riverford Local Offer",
    body="""
<p>The Local Offer is where Riverford Council and its partners publish the support available
for children and young people aged 0&ndash;25 with special educational needs and disabilities
(SEND). Every council in England has to have one. It should tell you what help there is, who
can get it, and how to ask for it &ndash; without you having to know the right person to ring.</p>

<h2>Find support</h2>
<ul class="routes">
<li><a href="/education-and-learning/education-and-learning.html">Education and learning</a>:
support in nurseries, schools and colleges, EHC needs assessments and plans, inclusion
funding, school transport and post-16 options.</li>
<li><a href="/health-and-wellbeing/health-and-wellbeing.html">Health and wellbeing</a>:
speech and language therapy, the autism and ADHD assessment pathway, and emotional wellbeing
and mental health support.</li>
<li><a href="/social-care/social-care.html">Social care</a>: short breaks, direct payments
and help from the Children with Disabilities Team.</li>
</ul>

<h2>Popular pages</h2>
<ul>
<li><a href="/education-and-learning/ehc-plans/ehc-plans.html">What is an EHC plan?</a></li>
<li><a href="/education-and-learning/sen-support-in-school.html">SEN support in school</a></li>
<li><a href="/advice-and-support/sendiass.html">Free, impartial advice from Riverford SENDIASS</a></li>
<li><a href="/jargon-buster/">Jargon buster: what the acronyms mean</a></li>
</ul>

<h2>News</h2>
<p>This autumn’s short breaks activities are now open for booking. <a
href="/social-care/short-breaks/short-breaks.html?utm_source=newsletter&amp;utm_medium=email">Read
about short breaks and how to book</a>.</p>
<p>The post-16 transport policy statement for 2026 to 2027 has been published. Applications
for September should be in by 30 June.</p>

<h2>Tell us what you think</h2>
<p>The Local Offer is written with the Riverford Parent Carer Forum and reviewed every six
months. If something is missing, out of date or hard to understand, email
<a href="mailto:localoffer@riverford.example">localoffer@riverford.example</a>. We publish what
you told us, and what we changed, once a year.</p>
""",
)

page(
    "/education-and-learning/education-and-learning.html",
    "Education and learning",
    "Support for children and young people with SEND in early years settings, schools and "
    "colleges in Riverford.",
    "How schools, nurseries and colleges in Riverford support children and young people "
    "with SEND, from SEN support to EHC plans, funding, transport and post-16 choices.",
    "sentence",
    (2026, 9, 14),
    route="education-and-learning",
    body="""
<p>In Riverford, the great majority of pupils with SEND get the help they need from their
own nursery, school or college. Some need more. These pages explain each step, from
the support every school must give to an education, health and care (EHC) plan.</p>

<h2>In this section</h2>
<ul class="section-pages">
<li><a href="/education-and-learning/sen-support-in-school.html">SEN support in school</a>
&ndash; what schools must do, and the SENCO’s role.</li>
<li><a href="/education-and-learning/inclusion-funding/inclusion-funding.html">What is
inclusion funding?</a> &ndash; extra money for schools to support a child without an EHC plan.</li>
<li><a href="/education-and-learning/ehc-needs-assessment/ehc-needs-assessment.html">EHC
needs assessment</a> &ndash; how to ask for one, and what happens next.</li>
<li><a href="/education-and-learning/ehc-plans/ehc-plans.html">What is an EHC plan?</a>
&ndash; what goes in a plan and who it is for.</li>
<li><a href="/education-and-learning/ehc-plans/annual-reviews.html">Annual reviews of EHC
plans</a> &ndash; checking the plan still works, every year.</li>
<li><a href="/education-and-learning/school-transport/school-transport.html">School and
college transport for children with SEND</a> &ndash; who can get help to travel.</li>
<li><a href="/education-and-learning/preparing-for-adulthood.html">Post-16 options and
preparing for adulthood</a> &ndash; sixth form, college, apprenticeships and supported
internships.</li>
</ul>

<h2>Not sure where to start?</h2>
<p>Talk to your child’s class teacher or the school’s special educational needs co-ordinator
(SENCO) first. If you want independent help, <a href="/advice-and-support/sendiass.html">Riverford
SENDIASS</a> gives free advice to parents and young people.</p>
""",
)

page(
    "/health-and-wellbeing/health-and-wellbeing.html",
    "Health and wellbeing",
    "NHS and council health services for children and young people with SEND in Riverford.",
    "Health services for children and young people with SEND in Riverford, including "
    "therapies, autism and ADHD assessment, and support for mental health.",
    "sentence",
    (2026, 3, 10),
    route="health-and-wellbeing",
    body="""
<p>Children’s health services in Riverford are run by Riverford Community Health NHS Trust,
with GPs, health visitors and school nurses. Many services take referrals from parents as
well as from professionals.</p>

<h2>In this section</h2>
<ul class="section-pages">
<li><a href="/health-and-wellbeing/speech-and-language-therapy.html">Speech and language
therapy</a> &ndash; help with talking, understanding, eating and drinking.</li>
<li><a href="/health-and-wellbeing/neurodevelopmental-pathway/neurodevelopmental-pathway.html">Autism
and ADHD: the neurodevelopmental pathway</a> &ndash; how assessments work and support while
you wait.</li>
<li><a href="/health-and-wellbeing/emotional-wellbeing-and-camhs.html">Emotional wellbeing
and CAMHS</a> &ndash; mental health support, from school to specialist services.</li>
</ul>

<h2>Health in EHC plans</h2>
<p>If your child has an EHC plan, section C describes their health needs and section G the
health care they should get. The Designated Clinical Officer (DCO) makes sure health advice
arrives on time for assessments and reviews.</p>

<h2>In an emergency</h2>
<p>If a child is seriously ill or injured, or their life is at risk, call 999. For urgent
advice that is not an emergency, call NHS 111.</p>
""",
)

page(
    "/social-care/social-care.html",
    "Social care",
    "Social care support for disabled children and young people and their families in "
    "Riverford: short breaks, direct payments and assessments.",
    "Social care support for disabled children, young people and their families in "
    "Riverford, such as short breaks and direct payments.",
    "sentence",
    (2026, 7, 21),
    route="social-care",
    body="""
<p>Looking after a disabled child can be rewarding and exhausting at the same time. The
council’s Children with Disabilities Team works with families whose children have
substantial and lasting disabilities, and many services are open to any family without an
assessment.</p>

<h2>In this section</h2>
<ul class="section-pages">
<li><a href="/social-care/short-breaks/short-breaks.html">Short breaks</a> &ndash; activities
for your child and a break for you.</li>
<li><a href="/social-care/direct-payments.html">Direct payments</a> &ndash; money instead of a
service, so you choose who helps and when.</li>
</ul>

<h2>Asking for a social care assessment</h2>
<p>Any parent or carer can ask for an assessment of their disabled child’s needs, and of
their own needs as a carer. Contact the Children’s Front Door on
<a href="tel:+441632960200">01632 960 200</a> (Monday to Friday, 9am to 5pm). Out of hours, the
Emergency Duty Team answers on 01632 960 999.</p>

<h2>Turning 18</h2>
<p>From about age 14, the team starts planning with young people and their families for
adult social care. Read more on <a href="../education-and-learning/preparing-for-adulthood.html">post-16
options and preparing for adulthood</a>.</p>
""",
)

# ---------------------------------------------------------------------------
# Education and learning
# ---------------------------------------------------------------------------

page(
    "/education-and-learning/sen-support-in-school.html",
    "SEN support in school",
    "What SEN support is, what every school must do for pupils with special educational "
    "needs, and how parents are involved.",
    "Every school must support pupils with special educational needs, with or without an "
    "EHC plan. This page explains SEN support, the SENCO and the assess, plan, do, review cycle.",
    "sentence",
    (2025, 10, 6),
    route="education-and-learning",
    body="""
<p>Children learn in different ways and at different speeds. When a child needs help that is
<strong>additional to or different from</strong> what most children of the same age get, the
school should give them SEN support. Most children with special educational needs never need
an EHC plan: their needs are met this way.</p>

<h2>Who decides my child needs SEN support?</h2>
<p>The school does, with you. Teachers notice when a child is not making the progress
expected, or you may raise a worry yourself. The school’s special educational needs
co-ordinator (SENCO) can look at what is getting in the way and talk it through with you. You
do not need a diagnosis for your child to get SEN support.</p>

<h2>Assess, plan, do, review</h2>
<p>SEN support works in a cycle, sometimes called the graduated approach:</p>
<ol>
<li><strong>Assess</strong> &ndash; the school finds out what your child finds hard, and what
helps.</li>
<li><strong>Plan</strong> &ndash; you agree what support will be given, by whom, and what
difference it should make. This is usually written in a support plan.</li>
<li><strong>Do</strong> &ndash; the support happens, in class or in small groups.</li>
<li><strong>Review</strong> &ndash; at least three times a year you meet to look at progress
and change the plan if it isn’t working.</li>
</ol>

<h2>What support might look like</h2>
<ul>
<li>work that is adapted to your child, or extra time to finish it;</li>
<li>help from a teaching assistant for part of the day;</li>
<li>a quiet space, visual timetables or movement breaks;</li>
<li>advice from specialists such as an educational psychologist or a speech and language
therapist.</li>
</ul>
<p>Schools pay for SEN support from their own budget, usually up to about £6,000 a year for
one pupil. Where a child needs more than that, the school can apply for
<a href="inclusion-funding/inclusion-funding.html">inclusion funding</a>.</p>

<h2>If you are worried it is not enough</h2>
<p>Ask for a meeting with the SENCO. Bring notes of what you see at home. If your child is
still not making progress after the school has tried its best, you or the school can ask for
an <a href="/education-and-learning/ehc-needs-assessment/ehc-needs-assessment.html">EHC needs
assessment</a>.</p>
""",
)

page(
    "/education-and-learning/inclusion-funding/inclusion-funding.html",
    "What is inclusion funding?",
    "Inclusion funding gives Riverford schools and settings extra money to support a child "
    "with SEND who does not have an EHC plan.",
    "Inclusion funding is extra money for Riverford schools and early years settings to "
    "support a child with additional needs who does not have an EHC plan. The school "
    "applies, with your agreement.",
    "sentence",
    (2026, 10, 5),
    route="education-and-learning",
    documents=[("inclusion-funding-application-form.pdf", "Inclusion funding application form")],
    body="""
<p>Inclusion funding is money the council gives to a school or early years setting for a
short time, so it can support a child whose needs cost more than the school can pay from its
own SEN budget. It is for children and young people who <strong>do not</strong> have an EHC
plan.</p>

<h2>Who is it for?</h2>
<ul>
<li>Children in Riverford nurseries, pre-schools and childminders who take funded places,
from age 2.</li>
<li>Pupils in Riverford primary, secondary and special schools, including academies.</li>
<li>Children whose school has already put SEN support in place, reviewed it, and found it is
not enough.</li>
</ul>

<h2>How does it work?</h2>
<ol>
<li>The school or setting talks to you about applying and asks for your consent.</li>
<li>It fills in the application form, with the child’s support plan and any advice from
specialists.</li>
<li>A panel of head teachers, SENCOs and council officers looks at applications twice each
half term.</li>
<li>The panel agrees an amount for up to two terms. The school then reviews what difference
the extra help made.</li>
</ol>

<h2>What can it pay for?</h2>
<p>Extra adult support in class, small-group teaching, specialist equipment that isn’t
provided by health services, or training for staff working with your child. Most awards are
between £1,500 and £4,000 a term.</p>

<h2>What it is not</h2>
<p>Inclusion funding is not paid to families, and it isn’t a step you have to take before
asking for an <a href="../ehc-needs-assessment/ehc-needs-assessment.html">EHC needs
assessment</a>. If your child’s needs are long-term and complex, the school may suggest both.</p>

<h2>Questions?</h2>
<p>Ask your child’s SENCO first. Schools can contact the SEND Inclusion Team on
<a href="tel:+441632960418">01632 960 418</a>.</p>
""",
)

page(
    "/education-and-learning/ehc-needs-assessment/ehc-needs-assessment.html",
    "EHC needs assessment",
    "How to ask Riverford Council for an education, health and care needs assessment, "
    "what happens next and how long it takes.",
    "An EHC needs assessment is how the council decides whether a child or young person "
    "needs an EHC plan. Parents, young people and schools can ask for one.",
    "sentence",
    (2026, 8, 12),
    route="education-and-learning",
    documents=[("ehc-needs-assessment-request-form.docx", "EHC needs assessment request form")],
    body="""
<p>An education, health and care (EHC) needs assessment is a detailed look at a child or young
person’s needs and the help they require. It is the first step towards an EHC plan. It does
not always lead to one: sometimes the assessment shows that the school can meet the child’s
needs with SEN support.</p>

<h2>Who can ask for an assessment?</h2>
<ul>
<li>a parent or carer of a child aged 0 to 16;</li>
<li>a young person aged 16 to 25, for themselves;</li>
<li>a school, college or nursery, after talking to the family.</li>
</ul>
<p>Other professionals, such as a health visitor or doctor, can tell the council about a
child who may need an assessment.</p>

<h2>How to ask</h2>
<p>Fill in the request form below and send it to the SEND Assessment Team. If you would
rather write a letter or an email, that is fine too: say that you are asking for an EHC needs
assessment, and why. Include any reports you have. You do not need a diagnosis.</p>

<h2>What happens next, and how long it takes</h2>
<p>The whole process, from your request to a final EHC plan, should take no more than
<strong>20 weeks</strong>.</p>
<ol>
<li><strong>Within 6 weeks</strong> we tell you whether we will carry out an assessment.</li>
<li>If we do, we ask for advice from you, your child, their school, an educational
psychologist, health and social care.</li>
<li><strong>By week 16</strong> we tell you whether we will issue a plan. If we will, you get a
draft plan and 15 days to comment and name the school you would like.</li>
<li><strong>By week 20</strong> the final plan is issued.</li>
</ol>

<h2>If we say no</h2>
<p>We write to you with the reasons and offer a meeting. You can ask for mediation and you
can appeal to the SEND Tribunal. <a href="/advice-and-support/sendiass.html">Riverford
SENDIASS</a> can help you decide what to do.</p>
""",
)

page(
    "/education-and-learning/ehc-plans/ehc-plans.html",
    "What is an EHC plan?",
    "What an education, health and care plan is, who needs one, what it contains and how to "
    "get one in Riverford.",
    "An EHC plan is a legal document for a child or young person aged 0 to 25 with SEND. "
    "It describes their needs and the support they must get from education, health and "
    "social care.",
    "sentence",
    (2026, 5, 18),
    route="education-and-learning",
    body="""
<p>An education, health and care plan &ndash; an EHC plan, or EHCP &ndash; is legally binding.
It sets out what a child or young person needs help with, the outcomes they are working
towards, and the support they <em>must</em> be given. The council has a duty to make
sure the education support in the plan happens.</p>

<h2>Who needs an EHC plan?</h2>
<p>Children and young people aged 0&ndash;25 whose needs cannot be met by the support their
nursery, school or college normally gives, even with extra help such as SEN support or
inclusion funding. About 4 in every 100 pupils in Riverford have one.</p>

<h2>What’s in a plan?</h2>
<p>Every plan has the same sections, lettered A to K. The ones families look at most are:</p>
<ul>
<li><strong>Section A</strong> &ndash; your child’s views, interests and hopes: “all about me”;</li>
<li><strong>Section B</strong> &ndash; their special educational needs;</li>
<li><strong>Section E</strong> &ndash; the outcomes they are working towards;</li>
<li><strong>Section F</strong> &ndash; the special educational provision: what support, how
much, and who gives it;</li>
<li><strong>Section I</strong> &ndash; the school or college they will attend.</li>
</ul>
<p>Section F should be specific. “Access to speech and language therapy” is vague; “a 30-minute
session with a speech and language therapist every week” is not.</p>

<h2>How to get an EHC plan</h2>
<p>A plan is only written after an
<a href="../ehc-needs-assessment/ehc-needs-assessment.html">EHC needs assessment</a>. That page
explains who can ask, and the 20-week timescale.</p>

<h2>Once your child has a plan</h2>
<p>The plan is reviewed at least once a year: see <a href="annual-reviews.html">annual
reviews</a>. A plan can include a personal budget, so you arrange some of the support
yourself. It stays in place until your child no longer needs it, leaves education, or
reaches 25.</p>
<p>Not sure what an acronym means? Look it up in the <a href="/jargon-buster/#e">jargon
buster</a>.</p>
""",
)

page(
    "/education-and-learning/ehc-plans/annual-reviews.html",
    "Annual reviews of EHC plans",
    "How the yearly review of an education, health and care plan works and how to take part.",
    "Every EHC plan must be reviewed at least once a year, or every six months for children "
    "under 5. Here is what happens at an annual review and how to prepare.",
    "sentence",
    (2024, 11, 25),
    route="education-and-learning",
    parent="/education-and-learning/ehc-plans/ehc-plans.html",
    body="""
<p>An EHC plan is not written once and left. At least once every 12 months &ndash; every 3 to
6 months for children under 5 &ndash; the plan must be reviewed, to check your child is
getting the support in it and that it still describes them.</p>

<h2>Before the meeting</h2>
<p>The school or college organises the review. You should be invited at least two weeks
before, and get copies of any reports. Think about:</p>
<ul>
<li>what has gone well this year and what hasn’t;</li>
<li>whether anything in the plan is out of date;</li>
<li>what your child wants to say, and how they would like to say it.</li>
</ul>

<h2>At the meeting</h2>
<p>You, your child (if they want to), school staff and anyone else working with your child
talk about progress towards each outcome. The meeting can recommend changes to the plan. In
year 9 and every year after, the review must also look at <a
href="../preparing-for-adulthood.html">preparing for adulthood</a>.</p>

<h2>After the meeting</h2>
<ol>
<li>The school sends a report to the council within 2 weeks.</li>
<li>Within 4 weeks of the meeting, the council tells you whether it will keep the plan as it
is, change it, or end it.</li>
<li>If the plan is changed, you get a draft to comment on before it is final.</li>
</ol>

<h2>For schools</h2>
<p>The forms to use are in the <a
href="/education-and-learning/ehc-plans/annual-review-paperwork.html">annual review
paperwork</a> section.</p>

<p>If you disagree with the decision after a review, talk to your SEND case officer first.
You can also contact <a href="/advice-and-support/sendiass.html">Riverford SENDIASS</a>.</p>
""",
)

page(
    "/education-and-learning/school-transport/school-transport.html",
    "School and college transport for children with SEND",
    "Who can get free travel to school or college in Riverford because of special "
    "educational needs or a disability, including post-16 students.",
    "Some children with SEND can get free transport to school. Students aged 16 to 25 are "
    "covered by the post-16 transport policy, and families may be asked to pay a contribution.",
    "sentence",
    (2026, 6, 29),
    route="education-and-learning",
    documents=[("post-16-transport-policy-2026-27.pdf",
                "Post-16 transport policy statement 2026 to 2027")],
    body="""
<p>Most children travel to school with their families. Some children with special
educational needs or disabilities can get help from the council, whether or not they have an
EHC plan.</p>

<h2>Children aged 5 to 16</h2>
<p>Your child may get free travel if they go to the nearest suitable school and:</p>
<ul>
<li>they live more than the walking distance from it &ndash; 2 miles if they are under 8, 3
miles if they are 8 or over; or</li>
<li>their special educational needs, disability or mobility mean they cannot walk there, even
with an adult; or</li>
<li>the route would not be safe for them to walk with an adult.</li>
</ul>
<p>Help is based on your child’s needs, not on their diagnosis.</p>

<h2>What help might we offer?</h2>
<ul>
<li>travel training, to help an older child learn to travel on their own;</li>
<li>a bus pass;</li>
<li>a personal travel budget, so you can take your child yourself or make your own
arrangements;</li>
<li>a seat on a shared minibus or taxi, sometimes with a passenger assistant.</li>
</ul>

<h2>Post-16 transport</h2>
<p>Once a young person is over compulsory school age, there is no automatic right to free
transport. The council publishes a post-16 transport policy statement each year. It explains
who can get help, what families are asked to pay (£660 a year for 2026&ndash;27, or £330 on a
low income) and how to appeal. Young people aged 19&ndash;25 with an EHC plan pay nothing.</p>

<h2>How to apply</h2>
<p>Apply as soon as you know your child’s school or college place: by 30 June for
September. Applications take up to 20 school days. Ring the SEND Transport Team on
<a href="tel:+441632960552">01632 960 552</a> if you need help with the form.</p>
""",
)

page(
    "/education-and-learning/preparing-for-adulthood.html",
    "Post-16 options and preparing for adulthood",
    "Choices at 16 for young people with SEND in Riverford, and how planning for adult life "
    "works from year 9.",
    "Young people with SEND have choices at 16: sixth form, college, an apprenticeship or a "
    "supported internship. Planning for adult life starts in year 9.",
    "sentence",
    (2025, 4, 7),
    route="education-and-learning",
    h1="Post-16 options and preparing for adulthood",
    body="""
<p>Growing up brings big changes for every young person. For young people with special
educational needs and disabilities, planning early makes those changes easier. This is called
<em>preparing for adulthood</em> (PfA), and it is about four things:</p>
<ul>
<li>work, further study and volunteering;</li>
<li>living as independently as possible;</li>
<li>friends, relationships and being part of the community;</li>
<li>staying as healthy as possible.</li>
</ul>

<h2>When does planning start?</h2>
<p>From year 9 (age 13 to 14), every annual review of an EHC plan has to talk about the young
person’s future. If your child gets SEN support, their school should still help them plan for
what comes after year 11.</p>

<h2>Post-16 options</h2>
<p>Young people in England must stay in education or training until they are 18. That does
not have to mean school:</p>
<ul>
<li><strong>School sixth form</strong>, in a mainstream or special school;</li>
<li><strong>Further education college</strong>, full or part time, including courses that
build skills for independence;</li>
<li><strong>Apprenticeships</strong>, paid work with training, with extra support available
for apprentices with an EHC plan;</li>
<li><strong>Supported internships</strong> &ndash; a year-long study programme, mostly with an
employer, for young people aged 16&ndash;24 with an EHC plan who want to move into paid work.</li>
</ul>

<h2>EHC plans after 16</h2>
<p>An EHC plan can continue up to age 25 while the young person is in education or training.
It does not cover university. From 16, young people make more decisions for themselves,
including asking for an assessment or appealing a decision.</p>

<h2>From children’s to adult services</h2>
<p>Health and social care services change at 18. The Children with Disabilities Team and
adult social care start working together when a young person is about 14, so that support
carries on. For travel to college, see <a
href="school-transport/school-transport.html">post-16 transport</a>.</p>
""",
)

# ---------------------------------------------------------------------------
# Health and wellbeing
# ---------------------------------------------------------------------------

page(
    "/health-and-wellbeing/speech-and-language-therapy.html",
    "Speech and language therapy",
    "The children’s speech and language therapy service in Riverford: who it helps and how "
    "to get a referral.",
    "Speech and language therapists help children and young people who find it hard to "
    "talk, understand, or eat and drink safely. Parents can refer children under 5 themselves.",
    "sentence",
    (2024, 6, 17),
    route="health-and-wellbeing",
    body="""
<p>Riverford Community Health NHS Trust’s children’s speech and language therapy (SLT)
service works with children and young people from birth to 19, and up to 25 for those in a
special school or college.</p>

<h2>Who we help</h2>
<ul>
<li>children who are late to start talking, or hard to understand;</li>
<li>children who find it hard to understand what others say, or to join in
conversations;</li>
<li>children who stammer;</li>
<li>children and young people who use signing, symbols or communication aids;</li>
<li>babies and children who have difficulty eating, drinking or swallowing.</li>
</ul>

<h2>How to get a referral</h2>
<p>If your child is under 5, you can refer them yourself by ringing the service on
<a href="tel:+441632960377">01632 960 377</a>, or ask your health visitor or GP. For school-age
children, talk to the SENCO first: the school will usually make the referral, with your
consent, and tell us what it has tried already.</p>

<h2>What happens next</h2>
<p>A therapist will assess your child at a clinic, at home or at school. After that we may
give you and the school a programme of activities to do every day, offer a block of therapy
sessions, or invite you to a group for parents. Waiting times are on our website and
currently about 14 weeks from referral to first appointment.</p>

<h2>Speech and language therapy in an EHC plan</h2>
<p>Where therapy is needed to help a child learn, it counts as educational provision and
should be written in section F of the EHC plan, with how often it happens and who gives it.</p>

<h2>Drop-in advice</h2>
<p>Not sure if your child needs a referral? Come to a free drop-in session at one of
Riverford’s family hubs on Tuesday mornings &ndash; no appointment needed.</p>
""",
)

page(
    "/health-and-wellbeing/neurodevelopmental-pathway/neurodevelopmental-pathway.html",
    "Autism and ADHD: the neurodevelopmental pathway",
    "How assessments for autism and ADHD work for children and young people in Riverford, "
    "and what support there is while you wait.",
    "The neurodevelopmental pathway is how Riverford assesses children and young people for "
    "autism and ADHD. Support is available while you wait, with or without a diagnosis.",
    "sentence",
    (2026, 11, 16),
    route="health-and-wellbeing",
    body="""
<p>“Neurodevelopmental” describes conditions that affect how the brain develops, such as
autism and attention deficit hyperactivity disorder (ADHD). In Riverford, children and young
people aged 5 to 18 are assessed for these conditions through one pathway, run by Riverford
Community Health NHS Trust. Children under 5 are seen by the community paediatric team.</p>

<h2>How to get a referral</h2>
<p>Referrals come from the school’s SENCO or from a GP or paediatrician. We ask for
information from both home and school, because we need to understand how your child is in
different places. The referral includes:</p>
<ul>
<li>a questionnaire filled in by you;</li>
<li>a questionnaire filled in by your child’s school;</li>
<li>a summary of the support the school has already put in place.</li>
</ul>

<h2>How long will it take?</h2>
<p>We know waiting is hard. At the moment most children wait between 12 and 18 months for an
assessment. We look at every referral within 4 weeks and write to tell you what will happen
next.</p>

<h2>Support while you wait</h2>
<p>You don’t need a diagnosis to get help. Your child’s school should support them based on
their needs, through <a href="/education-and-learning/sen-support-in-school.html">SEN
support</a>. While you wait you can also:</p>
<ul>
<li>join a free online course for parents about autism or ADHD, run by the trust;</li>
<li>talk to the Riverford Parent Carer Forum, whose members have been through the same;</li>
<li>ask for a sleep clinic appointment if sleep is a problem.</li>
</ul>

<h2>After the assessment</h2>
<p>The team will explain its findings to you and send a written report. If your child is
diagnosed with ADHD they may be offered medication, reviewed regularly by a specialist nurse.
Whatever the outcome, we will tell you about services that can help.</p>
""",
)

page(
    "/health-and-wellbeing/emotional-wellbeing-and-camhs.html",
    "Emotional wellbeing and CAMHS",
    "Support for children and young people with SEND who are struggling with their mental "
    "health or emotional wellbeing, from school support to CAMHS.",
    "Where to get help when a child or young person is anxious, low or struggling, from "
    "school wellbeing teams to child and adolescent mental health services (CAMHS).",
    "sentence",
    (2026, 1, 19),
    route="health-and-wellbeing",
    body="""
<p>Everyone has times when they feel worried, sad or angry. Children and young people with
SEND can find these feelings harder to explain, and may show them through their behaviour
instead, or by not wanting to go to school. Help is available, and you don’t need to wait
until things are very bad.</p>

<h2>Help in school</h2>
<p>Most Riverford schools have a mental health support team: trained practitioners who work
with children, one to one or in groups, on things like anxiety and low mood. Ask the school’s
SENCO or mental health lead about it.</p>

<h2>Help for young people online</h2>
<p>Young people aged 11 to 25 can use a free, anonymous online counselling and chat service
commissioned by the NHS in Riverford. No referral is needed.</p>

<h2>CAMHS</h2>
<p>Child and adolescent mental health services (CAMHS) help children and young people up to
18 with more serious or long-lasting mental health difficulties. Referrals come from GPs,
schools and other professionals; young people aged 16 or over can refer themselves.
CAMHS works with the learning disability nursing team for children with a learning
disability.</p>

<h3>Eating disorders</h3>
<p>If you are worried your child has an eating disorder, see your GP straight away. The
eating disorder service sees urgent referrals within one week.</p>

<h2>In a crisis</h2>
<ul>
<li>If someone’s life is in danger, call 999 or go to A&amp;E.</li>
<li>For urgent mental health help, call NHS 111 and choose the mental health option. It is
open 24 hours a day, every day.</li>
</ul>
""",
)

# ---------------------------------------------------------------------------
# Social care
# ---------------------------------------------------------------------------

page(
    "/social-care/short-breaks/short-breaks.html",
    "Short breaks",
    "Short breaks for disabled children and young people in Riverford: activities, clubs "
    "and overnight care, and how to book them.",
    "Short breaks give disabled children and young people fun things to do and give their "
    "families a break from caring. Some are open to all, some need an assessment.",
    "sentence",
    (2026, 10, 26),
    route="social-care",
    documents=[("short-breaks-guide-for-families.docx", "Short breaks: a guide for families")],
    body="""
<p>A short break is time away from caring for families of disabled children, while the child
or young person does something they enjoy. It can be an hour at a youth club or a weekend
away. Short breaks help children make friends and try new things, and help parents and
carers rest, spend time with their other children, or just get the shopping done.</p>

<h2>Which short breaks are there?</h2>
<h3>Open to everyone</h3>
<p>Holiday play schemes, after-school clubs, swimming sessions and youth groups for disabled
children and young people aged 0&ndash;18. You do not need an assessment: book directly with
the provider. Most cost between £2 and £10 a session.</p>
<h3>Targeted short breaks</h3>
<p>Groups and day activities with more staff, for children whose needs mean they can’t join
open activities safely. Ask the Short Breaks Team to check if your child can use them. The
council pays for up to £1,500 of targeted breaks a year for each eligible child.</p>
<h3>Specialist short breaks</h3>
<p>Overnight stays at Willow House, our short breaks home, or care in your own home. These
are arranged after a social care assessment by the Children with Disabilities Team.</p>

<h2>Does my child qualify?</h2>
<p>Any disabled child or young person up to 18 who lives in Riverford can use open short
breaks. For targeted and specialist breaks we look at your child’s needs and how caring
affects your family.</p>

<h2>Can I choose my own?</h2>
<p>Yes. Many families take the money for targeted breaks as a <a
href="../direct-payments.html">direct payment</a> and use it to pay a personal assistant or an
activity that suits their child.</p>

<h2>How to book</h2>
<p>Ring the Short Breaks Team on <a href="tel:+441632960734">01632 960 734</a>. Our guide for
families, below, lists this year’s activities.</p>
""",
)

page(
    "/social-care/direct-payments.html",
    "Direct payments",
    "How direct payments work for families of disabled children in Riverford, what they can "
    "pay for and the hourly rates.",
    None,
    None,
    (2025, 12, 8),
    route="social-care",
    in_sitemap=False,
    body="""
<p>A direct payment is money from the council that you receive instead of a service the
council would arrange. It lets you choose who supports your child, and when. Direct payments
can be used for social care support, such as short breaks, and for some parts of an EHC plan
as a personal budget.</p>

<h2>What can a direct payment pay for?</h2>
<ul>
<li>a personal assistant (PA) to take your child out or help at home;</li>
<li>activities or clubs agreed in your child’s support plan;</li>
<li>a carer to look after your child while you have a break.</li>
</ul>
<p>It can’t be used for things the family would normally pay for, such as food, household
bills or holidays.</p>

<h2>How much?</h2>
<p>The amount depends on the support your child is assessed as needing. These are the rates
for 2026&ndash;27:</p>
<table>
<thead><tr><th>Support</th><th>Rate</th></tr></thead>
<tbody>
<tr><td>Personal assistant you employ</td><td>£14.20 an hour</td></tr>
<tr><td>Personal assistant through an agency</td><td>£23.50 an hour</td></tr>
<tr><td>Targeted short breaks activity</td><td>up to £1,500 a year</td></tr>
</tbody>
</table>

<h2>Your responsibilities</h2>
<p>If you employ a personal assistant, you become an employer: you need employer’s liability
insurance and must pay them at least the minimum wage. The Direct Payments Support Service
can run payroll for you free of charge. You’ll need a separate bank account for the payment,
and we check how it is spent every six months.</p>

<h2>How to start</h2>
<p>Ask your social worker or the Short Breaks Team. If your child has an EHC plan, you can ask
for a personal budget at the annual review.</p>
""",
)

# ---------------------------------------------------------------------------
# Outside the three routes
# ---------------------------------------------------------------------------

page(
    "/advice-and-support/sendiass.html",
    "Riverford SENDIASS: free, impartial advice",
    "Riverford SENDIASS gives free, confidential and impartial information, advice and "
    "support about SEND to parents, carers and young people aged 0 to 25.",
    "Riverford SENDIASS is the SEND information, advice and support service. It is free, "
    "confidential and independent of the council’s decisions, for parents, carers and young "
    "people up to 25.",
    "sentence",
    (2026, 9, 1),
    body="""
<p>Riverford SENDIASS (special educational needs and disabilities information, advice and
support service) helps parents and carers of children with SEND, and young people with SEND
aged 16–25 in their own right. The service is funded by the council and health, but runs
at arm’s length: its advisers are on your side of the table, not the council’s.</p>

<h2>What we can help with</h2>
<ul>
<li>understanding SEN support and what to expect from a school;</li>
<li>asking for an EHC needs assessment, and reading a draft EHC plan;</li>
<li>getting ready for meetings, including annual reviews, and coming with you if you want;</li>
<li>exclusions, part-time timetables and school attendance;</li>
<li>disagreements, mediation and appeals to the First-tier Tribunal (SEND).</li>
</ul>

<h2>Free, confidential and impartial</h2>
<p>We don’t share what you tell us without your permission, unless someone is at risk of
harm. We won’t tell you what to do; we will explain the law and your options so you can
decide.</p>

<h2>If you disagree with a decision</h2>
<p>Most disagreements can be sorted out by talking. If they can’t, we can explain how
mediation works &ndash; it is free and must be offered before most appeals &ndash; and help you
prepare an appeal to the tribunal, including the deadlines that apply.</p>

<h2>Contact us</h2>
<p>Helpline: <a href="tel:+441632960860">01632 960 860</a>, Monday to Thursday 9:30am to 4pm.
Email: <a href="mailto:sendiass@riverford.example">sendiass@riverford.example</a>. We aim to
reply within three working days.</p>
<p>Young people can also message our young people’s adviser, who runs drop-ins at Riverford
College every other Wednesday.</p>
""",
)

GLOSSARY = [
    ("A", [
        ("AAC", "Augmentative and alternative communication: ways to communicate other than "
                "speech, such as symbols, signing or a device."),
        ("ADHD", "Attention deficit hyperactivity disorder."),
        ("AP", "Alternative provision: education outside a mainstream or special school."),
        ("ASC / ASD", "Autism spectrum condition, or autism spectrum disorder. Both mean "
                      "autism."),
    ]),
    ("B", [("BSL", "British Sign Language.")]),
    ("C", [
        ("CAMHS", "Child and adolescent mental health services."),
        ("C&amp;I", "Communication and interaction, one of the four broad areas of need."),
        ("CYP", "Children and young people."),
    ]),
    ("D", [
        ("DCO", "Designated Clinical Officer: makes sure health services play their part in "
                "SEND."),
        ("DfE", "Department for Education."),
        ("DLA", "Disability Living Allowance, a benefit for disabled children under 16."),
        ("DP", "Direct payment: money instead of a service."),
    ]),
    ("E", [
        ("EHC", "Education, health and care."),
        ("EHCNA", "Education, health and care needs assessment."),
        ("EHCP", "Education, health and care plan. Also written “EHC plan”."),
        ("EP", "Educational psychologist."),
        ("EYFS", "Early Years Foundation Stage: birth to the end of reception year."),
    ]),
    ("F", [("FE", "Further education, for example a college.")]),
    ("H", [("HI", "Hearing impairment.")]),
    ("I", [
        ("IASS", "Information, advice and support service. See SENDIASS."),
        ("ICB", "Integrated Care Board: plans and pays for NHS services in an area."),
    ]),
    ("L", [("LA", "Local authority: the council.")]),
    ("M", [
        ("MLD", "Moderate learning difficulties."),
        ("MSI", "Multi-sensory impairment."),
    ]),
    ("N", [("NEET", "Not in education, employment or training.")]),
    ("O", [("OT", "Occupational therapy or therapist.")]),
    ("P", [
        ("PA", "Personal assistant."),
        ("PB", "Personal budget: money set aside for some of the support in an EHC plan."),
        ("PfA", "Preparing for adulthood."),
        ("PIP", "Personal Independence Payment, a benefit for people aged 16 and over."),
        ("PMLD", "Profound and multiple learning difficulties."),
    ]),
    ("S", [
        ("SALT / SLT", "Speech and language therapy or therapist."),
        ("SEMH", "Social, emotional and mental health."),
        ("SEN", "Special educational needs."),
        ("SENCO", "Special educational needs co-ordinator: the teacher who leads on SEN in "
                  "a school. Also SENDCO."),
        ("SEND", "Special educational needs and disabilities."),
        ("SENDIASS", "Special educational needs and disabilities information, advice and "
                     "support service."),
        ("SENDIST", "The First-tier Tribunal (Special Educational Needs and Disability), "
                    "which hears appeals."),
        ("SI", "Supported internship."),
        ("SLCN", "Speech, language and communication needs."),
        ("SLD", "Severe learning difficulties."),
        ("SpLD", "Specific learning difficulty, such as dyslexia."),
    ]),
    ("T", [("TA", "Teaching assistant.")]),
    ("V", [("VI", "Visual impairment.")]),
]


def glossary_body():
    letters = " ".join(f'<a href="#{letter.lower()}">{letter}</a>' for letter, _ in GLOSSARY)
    parts = [
        "<p>SEND has a lot of jargon. This list explains the abbreviations you are most "
        "likely to meet in letters, reports and meetings. If someone uses a term you don’t "
        "know, it is always fine to ask them what it means.</p>",
        f'<p class="letters">Jump to: {letters}</p>',
    ]
    for letter, entries in GLOSSARY:
        parts.append(f'<h2 id="{letter.lower()}">{letter}</h2>')
        parts.append("<dl>")
        for term, meaning in entries:
            parts.append(f"<dt>{term}</dt><dd>{meaning}</dd>")
        parts.append("</dl>")
    return "\n".join(parts)


page(
    "/jargon-buster/index.html",
    "Jargon buster: SEND acronyms A to Z",
    "What the abbreviations and acronyms used about special educational needs and "
    "disabilities mean.",
    "jargon buster, glossary, acronyms, abbreviations, SEND terms, A to Z",
    "comma",
    (2024, 9, 9),
    body=glossary_body(),
)

page(
    "/for-professionals.html",
    "For professionals",
    "Information for SENCOs, early years practitioners, health and social care staff working "
    "with children and young people with SEND in Riverford.",
    "professionals, SENCO, schools, settings, inclusion funding panel, EHC needs assessment "
    "requests, annual review, training",
    "comma",
    (2026, 4, 27),
    in_sitemap=False,
    body="""
<p>This page collects what schools, early years settings and colleges, and health and social
care staff working in the 0-25 SEND system most often ask the SEND teams for.</p>

<h2>Schools and settings</h2>
<ul>
<li><strong>Inclusion funding panel.</strong> The panel meets twice each half term; send
applications at least ten school days before. The form and criteria are on the <a
href="/education-and-learning/inclusion-funding/inclusion-funding.html">inclusion funding</a>
page.</li>
<li><strong>Requests for EHC needs assessment.</strong> Include the last two cycles of your
assess, plan, do, review records and the family’s views. See <a
href="/education-and-learning/ehc-needs-assessment/ehc-needs-assessment.html">EHC needs
assessment</a>.</li>
<li><strong>Annual reviews.</strong> Send the review report to your SEND case officer within two
weeks of the meeting.</li>
</ul>

<h2>SENCO network</h2>
<p>The termly SENCO network meets online and in person at Riverford Teachers’ Centre. It
covers changes to local processes, new services and a themed talk. New SENCOs are offered a
half-day induction with the SEND Inclusion Team.</p>

<h2>Health and social care</h2>
<p>Health advice for EHC needs assessments should reach the council within six weeks of the
request. Contact the Designated Clinical Officer if you can’t meet the deadline.</p>

<h2>Training</h2>
<p>Free courses for school and setting staff this year include autism awareness, writing
good SEN support plans, and using the graduated approach in the early years. Book through the
council’s training portal; places are limited to three per school.</p>

<h2>Keeping the Local Offer up to date</h2>
<p>If you run a service for children and young people with SEND and your details on the Local
Offer are wrong, email the Local Offer team. We review every page at least every six months.</p>

<h2>Older guidance</h2>
<p>Our previous guidance on <a href="/send/ehc_plans/default.asp">EHC plans for
professionals</a> has moved into the main Local Offer pages.</p>
""",
)


# ---------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------

NAV = [
    ("/", "Home"),
    ("/education-and-learning/education-and-learning.html", "Education and learning"),
    ("/health-and-wellbeing/health-and-wellbeing.html", "Health and wellbeing"),
    ("/social-care/social-care.html", "Social care"),
    ("/advice-and-support/sendiass.html", "Advice and support"),
    ("/jargon-buster/", "Jargon buster"),
]

TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="description" content="{description}">
{keywords}<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<!-- Riverford Council is fictional: this sample site was written for the offer-search project. -->
<a class="skip" href="#main-content">Skip to main content</a>
<section class="cookies" aria-label="Cookies on the Riverford Local Offer">
<p>We use cookies that the site needs to work, and we’d like to use analytics cookies to see
which pages help people most.</p>
<form method="post" action="/cookie-preferences">
<button name="analytics" value="yes">Accept analytics cookies</button>
<button name="analytics" value="no">Use essential cookies only</button>
</form>
</section>
<header class="masthead">
<a class="brand" href="/">Riverford Council <span>Local Offer</span></a>
<form class="site-search" action="/search" method="get" role="search">
<label for="search-q">Search the Local Offer</label>
<input id="search-q" type="search" name="q">
<button type="submit">Search</button>
</form>
</header>
<nav class="primary" aria-label="Main navigation">
<ul>
{nav}
</ul>
</nav>
{breadcrumbs}<main id="main-content">
<h1>{h1}</h1>
{body}
{documents}<p class="last-reviewed">Last reviewed: {reviewed}</p>
</main>
<footer class="site-footer">
<ul>
<li><a href="/for-professionals.html">For professionals</a></li>
<li><a href="/jargon-buster">Jargon buster</a></li>
<li><a href="mailto:localoffer@riverford.example">Give feedback on the Local Offer</a></li>
</ul>
<p>© Riverford Council 2026. Riverford is a fictional council; this sample site was written
for the offer-search project.</p>
</footer>
</body>
</html>
"""


def url_of(path):
    """The link form of a page path: folders end at their slash, files keep their name."""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def title_of(path):
    for entry in PAGES:
        if entry["path"] == path:
            return entry["title"]
    raise KeyError(path)


def breadcrumbs(entry):
    if entry["path"] == "/index.html":
        return ""
    crumbs = [("/", "Home")]
    route = entry["route"]
    landing = f"/{route}/{route}.html" if route else None
    if landing and landing != entry["path"]:
        crumbs.append((landing, ROUTES[route]))
    if entry["parent"]:
        crumbs.append((entry["parent"], title_of(entry["parent"])))
    items = [f'<li><a href="{href}">{label}</a></li>' for href, label in crumbs]
    items.append(f'<li aria-current="page">{entry["title"]}</li>')
    inner = "\n".join(items)
    return f'<nav class="crumbs" aria-label="Breadcrumb">\n<ol>\n{inner}\n</ol>\n</nav>\n'


def document_links(entry):
    if not entry["documents"]:
        return ""
    items = []
    for file_name, text in entry["documents"]:
        path = SITE_DIR / "documents" / file_name
        kind = path.suffix.lstrip(".").upper()
        size_kb = max(1, round(path.stat().st_size / 1024))
        items.append(f'<li><a href="/documents/{file_name}">{text} ({kind}, {size_kb} KB)</a></li>')
    inner = "\n".join(items)
    return f'<h2>Related documents</h2>\n<ul class="documents">\n{inner}\n</ul>\n'


def render(entry):
    keywords = ""
    if entry["keywords"] is not None:
        keywords = f'<meta name="keywords" content="{html.escape(entry["keywords"])}">\n'
    nav = "\n".join(f'<li><a href="{href}">{label}</a></li>' for href, label in NAV)
    year, month, day = entry["reviewed"]
    return TEMPLATE.format(
        title=html.escape(entry["title"] + SITE_SUFFIX, quote=False),
        description=html.escape(entry["description"]),
        keywords=keywords,
        nav=nav,
        breadcrumbs=breadcrumbs(entry),
        h1=entry["h1"],
        body=entry["body"],
        documents=document_links(entry),
        reviewed=f"{day:02}/{month:02}/{year}",
    )


def sitemap():
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for entry in PAGES:
        if not entry["in_sitemap"]:
            continue
        year, month, day = entry["reviewed"]
        lines.append("<url>")
        lines.append(f"<loc>{{{{BASE_URL}}}}{url_of(entry['path'])}</loc>")
        lines.append(f"<lastmod>{year}-{month:02}-{day:02}</lastmod>")
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


ROBOTS = """# Riverford Local Offer
User-agent: *
Disallow: /search
Disallow: /cookie-preferences

Sitemap: {{BASE_URL}}/sitemap.xml
"""


def main():
    for entry in PAGES:
        target = SITE_DIR / entry["path"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(entry), encoding="utf-8")
        words = len(entry["body"].split())
        print(f"{entry['path']}\t{words} words (approx.)")
    (SITE_DIR / "sitemap.xml").write_text(sitemap(), encoding="utf-8")
    (SITE_DIR / "robots.txt").write_text(ROBOTS, encoding="utf-8")


if __name__ == "__main__":
    main()
