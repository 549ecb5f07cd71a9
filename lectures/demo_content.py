"""The words of the demo guides and lectures: plain language, grade 6-8.

Written for families of people in an intensive outpatient program (IOP). General
education, not medical advice; each guide tells families to ask their care team.
"""

from wagtail.rich_text import RichText


def p(*paragraphs):
    return ("paragraph", RichText("".join(f"<p>{text}</p>" for text in paragraphs)))


def h(text):
    return ("heading", text)


def tip(text, title=""):
    return ("callout", {"kind": "tip", "title": title, "text": RichText(f"<p>{text}</p>")})


def caution(text, title=""):
    return ("callout", {"kind": "caution", "title": title, "text": RichText(f"<p>{text}</p>")})


def get_help(text):
    return ("callout", {"kind": "get_help", "title": "", "text": RichText(f"<p>{text}</p>")})


def checklist(title, *items):
    return ("checklist", {"title": title, "items": list(items)})


def steps(title, *items):
    return ("steps", {"title": title, "steps": [RichText(f"<p>{item}</p>") for item in items]})


def faq(*pairs):
    return (
        "faq",
        {
            "title": "Common questions",
            "questions": [
                {"question": question, "answer": RichText(f"<p>{answer}</p>")}
                for question, answer in pairs
            ],
        },
    )


def quote(text, who):
    return ("quote", {"quote": text, "attribution": who})


HELP_NOW = get_help(
    "If your loved one talks about suicide, is very confused, or may have overdosed, "
    "do not wait. Call or text 988, or call 911."
)

SPEAKERS = [
    {
        "key": "ortiz",
        "name": "Dr. Elena Ortiz",
        "credentials": "MD",
        "role": "Addiction psychiatrist and medical director",
        "bio": "Dr. Ortiz treats substance use and mental health conditions together. "
        "She has worked with families in outpatient care for fifteen years.",
    },
    {
        "key": "james",
        "name": "Marcus James",
        "credentials": "LCSW",
        "role": "Family therapist",
        "bio": "Marcus leads the family education nights and the multi-family group. "
        "He helps families talk about hard things without blame.",
    },
    {
        "key": "chen",
        "name": "Lily Chen",
        "credentials": "LCADC",
        "role": "Addiction counselor",
        "bio": "Lily runs relapse prevention groups and teaches coping skills.",
    },
    {
        "key": "brooks",
        "name": "Dana Brooks",
        "credentials": "CPRS",
        "role": "Peer recovery specialist and parent",
        "bio": "Dana's son is in long-term recovery. She shares what helped her family.",
    },
]

GUIDES = [
    {
        "slug": "what-is-an-iop",
        "title": "What is an intensive outpatient program?",
        "summary": "An IOP gives strong treatment several days a week while your loved one "
        "lives at home. Here is how it works and how it compares with other care.",
        "topics": ["levels-of-care", "substance-use", "co-occurring-disorders"],
        "start_here": True,
        "related": ["levels-of-care", "a-week-in-iop", "getting-started"],
        "body": [
            p(
                "An intensive outpatient program, or IOP, is a kind of treatment for "
                "substance use and mental health problems. People go to the program for "
                "a few hours, several days a week. They sleep at home. They can often "
                "keep working or going to school.",
                "IOP is more than a weekly visit with a counselor. It is less than living "
                "in a hospital or a treatment center. It sits in the middle.",
            ),
            h("Who is IOP for?"),
            p(
                "IOP is a good fit for people who need a lot of support but are safe at "
                "home. Some people start in IOP. Others step down to IOP after a hospital "
                "stay or a partial hospital program."
            ),
            checklist(
                "IOP may fit when your loved one",
                "is medically stable and does not need 24-hour care",
                "has a safe place to live",
                "wants or is willing to take part in treatment",
                "needs more help than one session a week",
            ),
            h("How long does it last?"),
            p(
                "Most programs meet 3 to 5 days a week, for about 3 hours each day. Many "
                "people stay for 6 to 12 weeks. Some stay longer. The care team decides "
                "together with your loved one when it is time to move on."
            ),
            tip(
                "Ask the program for the weekly schedule. Put it on the fridge or in a "
                "shared calendar so the whole family knows the plan.",
                "Make the schedule visible",
            ),
            faq(
                (
                    "Is IOP as good as inpatient treatment?",
                    "For many people, yes. Studies show IOP works about as well as "
                    "inpatient care for people who are safe at home. The right choice "
                    "depends on your loved one's needs.",
                ),
                (
                    "Can my loved one keep working during IOP?",
                    "Often, yes. Many programs offer morning or evening groups. Ask about "
                    "times that fit around work or school.",
                ),
            ),
            HELP_NOW,
        ],
    },
    {
        "slug": "levels-of-care",
        "title": "Levels of care: inpatient, PHP, IOP and outpatient",
        "summary": "Treatment comes in steps, from 24-hour care to a weekly visit. "
        "Learn what each level offers and how people move between them.",
        "topics": ["levels-of-care"],
        "start_here": True,
        "related": ["what-is-an-iop", "insurance-and-costs"],
        "body": [
            p(
                "Treatment is not one size fits all. Care teams use levels of care. Each "
                "level gives a different amount of support. People move up or down as "
                "their needs change."
            ),
            steps(
                "From the most support to the least",
                "<b>Inpatient or residential care.</b> Your loved one lives at the "
                "hospital or center. Staff are there day and night.",
                "<b>Partial hospitalization (PHP).</b> Treatment most of the day, about "
                "5 days a week. Your loved one sleeps at home.",
                "<b>Intensive outpatient (IOP).</b> About 9 to 15 hours a week, spread "
                "over 3 to 5 days.",
                "<b>Standard outpatient.</b> One or two visits a week with a counselor, "
                "therapist or doctor.",
            ),
            p(
                "Moving to a lower level is a sign of progress. It is not the end of "
                "treatment. Aftercare, like weekly therapy and support groups, helps keep "
                "recovery going."
            ),
            caution(
                "Needing a higher level of care again is not failure. Recovery has ups "
                "and downs. Getting more help early is a smart choice.",
            ),
            faq(
                (
                    "Who decides the level of care?",
                    "A clinician does an assessment. They use your loved one's health, "
                    "safety, substance use and home life to suggest a level. Insurance "
                    "also reviews the choice.",
                ),
                (
                    "What is a step-down?",
                    "A step-down is a move to less intense care, such as from PHP to IOP. "
                    "It usually happens when symptoms are better and your loved one has "
                    "new coping skills.",
                ),
            ),
        ],
    },
    {
        "slug": "a-week-in-iop",
        "title": "What happens in an IOP week",
        "summary": "Group therapy, individual counseling, life skills, medication care and "
        "testing: the parts of an IOP and why each one matters.",
        "topics": ["levels-of-care", "substance-use", "medication"],
        "related": ["therapies-used-in-iop", "what-is-an-iop"],
        "body": [
            p(
                "Every program is a little different. But most IOPs include the same main "
                "parts. Knowing them helps you ask good questions."
            ),
            checklist(
                "The parts of most IOPs",
                "Group therapy, most days, with 6 to 12 people",
                "Individual counseling, often once a week",
                "Life-skills classes, such as managing stress, sleep and money",
                "A psycho-social evaluation: a full look at health, family, work and home",
                "Medication management with a doctor or nurse practitioner",
                "Urine or breath tests to support honesty and safety",
                "Care coordination with other doctors, courts or schools, with consent",
                "An aftercare plan for when the program ends",
            ),
            h("Why is there testing?"),
            p(
                "Drug and alcohol tests are a normal part of treatment. They are not a "
                "punishment. They help the team see what is working and give your loved "
                "one a way to show progress."
            ),
            tip(
                "Your loved one must give written consent before staff can talk with you. "
                "Ask them if they will sign a release so you can stay informed.",
                "About privacy",
            ),
            faq(
                (
                    "Can I sit in on group therapy?",
                    "Usually not. Groups are private for the people in treatment. Family "
                    "sessions and family education nights are made for you instead.",
                ),
                (
                    "What is medication management?",
                    "A prescriber checks any medicines for mental health or substance use. "
                    "They adjust doses and watch for side effects.",
                ),
            ),
        ],
    },
    {
        "slug": "therapies-used-in-iop",
        "title": "The therapies used in IOP, in plain words",
        "summary": "CBT, DBT, motivational interviewing, 12-step facilitation, mindfulness "
        "and art therapy: what each one is and how it helps.",
        "topics": ["substance-use", "depression", "anxiety", "co-occurring-disorders"],
        "related": ["a-week-in-iop", "relapse-prevention-for-families"],
        "body": [
            p(
                "Your loved one will hear a lot of new words in treatment. Here is what "
                "the most common therapies mean."
            ),
            h("Cognitive behavioral therapy (CBT)"),
            p(
                "CBT looks at how thoughts, feelings and actions connect. People learn to "
                "spot unhelpful thoughts and try new ways to respond."
            ),
            h("Dialectical behavior therapy (DBT)"),
            p(
                "DBT teaches skills to handle strong feelings. The four skill areas are "
                "mindfulness, handling distress, managing emotions and getting along with "
                "others."
            ),
            h("Motivational interviewing (MI)"),
            p(
                "MI helps people find their own reasons to change. The counselor listens "
                "more than they tell. Families can learn this style too."
            ),
            h("12-step facilitation"),
            p(
                "This therapy helps people connect with groups like AA or NA. Going to "
                "meetings can give lasting support after IOP ends."
            ),
            h("Mindfulness, experiential and art therapies"),
            p(
                "Mindfulness teaches calm attention to the present moment. Art, music and "
                "movement give another way to express feelings that are hard to say."
            ),
            quote(
                "I learned the same skills my son learned. Now we use the same words when "
                "things get hard.",
                "A parent in our family program",
            ),
        ],
    },
    {
        "slug": "getting-started",
        "title": "Getting started: the intake call, assessment and insurance review",
        "summary": "What happens between the first phone call and the first group, and "
        "how you can help.",
        "topics": ["levels-of-care", "insurance-costs"],
        "start_here": True,
        "related": ["insurance-and-costs", "what-is-an-iop"],
        "body": [
            p(
                "Starting treatment can feel like a lot. Most programs follow the same "
                "few steps. It often takes a few days to a week."
            ),
            steps(
                "The steps to admission",
                "<b>The intake call.</b> Your loved one, or you with their permission, "
                "calls the program. Staff ask short questions about health and safety.",
                "<b>The clinical assessment.</b> A clinician meets your loved one for "
                "about an hour. They talk about substance use, mental health, medicines, "
                "home and work.",
                "<b>The insurance review.</b> The program checks coverage and asks the "
                "insurance company to approve care.",
                "<b>The first day.</b> Your loved one meets the team, gets a schedule and "
                "starts groups.",
            ),
            checklist(
                "Have these ready for the intake call",
                "Insurance card and ID",
                "A list of medicines and doses",
                "Names of current doctors or therapists",
                "Times your loved one can attend",
            ),
            faq(
                (
                    "Can I make the intake call for my loved one?",
                    "You can call to ask questions. Most programs need the person who "
                    "will attend to take part in the intake and give consent.",
                ),
            ),
        ],
    },
    {
        "slug": "insurance-and-costs",
        "title": "Insurance and costs: how to pay for IOP",
        "summary": "Most health plans cover IOP. Learn the words on your bill, the questions "
        "to ask, and what to do if a claim is denied.",
        "topics": ["insurance-costs"],
        "audience": "all",
        "related": ["getting-started", "levels-of-care"],
        "body": [
            p(
                "Most health insurance plans cover intensive outpatient treatment. A "
                "federal law, the parity law, says many plans must cover mental health "
                "and substance use care like other medical care."
            ),
            h("Words you will see"),
            checklist(
                "",
                "Deductible: what you pay each year before the plan starts to pay",
                "Copay: a set amount you pay for each day or visit",
                "Coinsurance: a share of the cost you pay, such as 20 percent",
                "Prior authorization: approval the plan gives before care starts",
                "In-network: the program has a contract with your plan",
            ),
            steps(
                "Questions to ask your insurance plan",
                "Is this program in my network?",
                "Do I need prior authorization for IOP?",
                "How many days or weeks of IOP does my plan cover?",
                "What will I pay per day after my deductible?",
            ),
            tip(
                "Write down the date, the name of the person you spoke to and a reference "
                "number for every call. It helps a lot if there is a problem later.",
                "Keep notes",
            ),
            faq(
                (
                    "What if my insurance denies coverage for IOP?",
                    "You can appeal. Ask the program's billing team for help. They can "
                    "send records that show why IOP is needed. Many denials are reversed.",
                ),
                (
                    "What if we have no insurance?",
                    "Ask about a sliding scale fee, payment plans or state programs. "
                    "Medicaid covers IOP in most states. The SAMHSA helpline can refer "
                    "you to low-cost care.",
                ),
            ),
        ],
    },
    {
        "slug": "family-involvement",
        "title": "How families take part: education, groups and a supportive home",
        "summary": "Family education nights, multi-family therapy, Q&A sessions and peer "
        "support groups, and how to build a home that supports recovery.",
        "topics": ["communication", "self-care-families"],
        "start_here": True,
        "related": ["relapse-prevention-for-families", "caring-for-yourself"],
        "body": [
            p(
                "Families matter in recovery. When families learn and heal too, people "
                "in treatment do better. Our program offers several ways to take part."
            ),
            checklist(
                "Ways to join in",
                "Family education nights: short talks on addiction, mental health and recovery",
                "Multi-family therapy: several families meet with a therapist together",
                "Live Q&A sessions after lectures: ask a clinician your questions",
                "Peer support groups for families, such as Al-Anon, Nar-Anon or SMART "
                "Recovery Family & Friends",
            ),
            h("Building a supportive home"),
            steps(
                "Small steps that help",
                "Remove alcohol, extra medicines and drugs from the home.",
                "Keep regular meals and sleep times.",
                "Notice and praise effort, not only results.",
                "Plan fun, sober activities together.",
                "Agree on house rules and what happens if they are broken.",
            ),
            tip(
                "Try “I” statements. Say “I feel worried when you come home late” instead "
                "of “You always scare me.”",
                "Talk so they can hear you",
            ),
            faq(
                (
                    "Do I have to come to family sessions?",
                    "No, but it helps. Even one family night can make home life calmer.",
                ),
            ),
        ],
    },
    {
        "slug": "relapse-prevention-for-families",
        "title": "Relapse prevention: warning signs and coping skills for families",
        "summary": "Relapse is common and it can be a step in recovery. Learn the early "
        "signs and how to respond with care.",
        "topics": ["relapse-prevention", "communication", "substance-use"],
        "related": ["family-involvement", "caring-for-yourself"],
        "body": [
            p(
                "A relapse means going back to using alcohol or drugs after a time of not "
                "using. It is common. About half of people have a relapse at some point. "
                "It does not mean treatment failed."
            ),
            h("Early warning signs"),
            checklist(
                "Signs often show before any use",
                "Skipping groups, meetings or appointments",
                "Spending time with old friends who use",
                "Big mood changes, or saying “I can handle one drink”",
                "Poor sleep, not eating, or pulling away from family",
            ),
            steps(
                "If you notice warning signs",
                "Stay calm. Pick a quiet time to talk.",
                "Say what you saw, without blame.",
                "Ask how you can help.",
                "Encourage a call to the counselor or sponsor.",
            ),
            caution(
                "After a break from use, the body's tolerance drops. Using the same amount "
                "as before can cause an overdose. Keep naloxone (Narcan) at home if opioids "
                "are involved.",
                "Overdose risk is higher after a break",
            ),
            HELP_NOW,
            faq(
                (
                    "Should I search their room?",
                    "It may feel like it keeps them safe, but it can hurt trust. Talk with "
                    "the care team first about safety worries.",
                ),
                (
                    "What if they relapse?",
                    "Respond with care, not anger. Help them get back to treatment quickly. "
                    "A relapse is a sign the plan needs a change.",
                ),
            ),
        ],
    },
    {
        "slug": "caring-for-yourself",
        "title": "Self-care for caregivers: you matter too",
        "summary": "Worry and stress can wear you down. Simple ways to look after your own "
        "body, mind and relationships.",
        "topics": ["self-care-families", "anxiety", "depression"],
        "related": ["family-involvement", "relapse-prevention-for-families"],
        "body": [
            p(
                "When someone you love is in treatment, it is easy to forget about "
                "yourself. But you cannot pour from an empty cup. Taking care of you helps "
                "your whole family."
            ),
            checklist(
                "Daily basics",
                "Sleep 7 to 9 hours when you can",
                "Eat regular meals",
                "Move your body: a 10-minute walk counts",
                "Talk to a friend each week",
            ),
            tip(
                "Join a family support group. Hearing from others who understand can ease "
                "guilt and shame.",
                "You are not alone",
            ),
            quote(
                "The day I went back to my Tuesday walks, I started to feel like myself again.",
                "A spouse in our program",
            ),
            faq(
                (
                    "Is it selfish to take time for myself?",
                    "No. Rest helps you stay patient and calm. It also shows your loved "
                    "one what healthy coping looks like.",
                ),
                (
                    "When should I get help for myself?",
                    "If you feel hopeless, cannot sleep, or feel sad most days for two "
                    "weeks, talk to your doctor or a counselor.",
                ),
            ),
        ],
    },
]

SERIES = [
    {
        "slug": "understanding-iop",
        "title": "Understanding IOP: a series for families",
        "summary": "Four short talks on what an intensive outpatient program is, what happens "
        "there, and how families can help.",
        "intro": "This series is for anyone whose loved one is starting or in an intensive "
        "outpatient program. Each talk is about 30 minutes and has a full transcript.\n\n"
        "You can watch them in any order. After each talk, you can ask the speaker your "
        "questions in a live Q&A session.",
        "topics": ["levels-of-care", "substance-use", "co-occurring-disorders"],
        "lectures": [
            {
                "slug": "what-iop-is",
                "title": "What IOP is, and what it is not",
                "summary": "How IOP compares with inpatient care, PHP and weekly therapy.",
                "speakers": ["ortiz"],
                "topics": ["levels-of-care"],
                "guides": ["what-is-an-iop", "levels-of-care"],
                "days_from_today": -42,
                "minutes": 32,
                "takeaways": [
                    "IOP means a few hours of treatment, 3 to 5 days a week, living at home.",
                    "It sits between partial hospitalization and weekly outpatient care.",
                    "Moving to less intense care is a sign of progress.",
                ],
                "body": "Dr. Ortiz explains the levels of care and who IOP is for. She "
                "answers the question families ask most: is it enough?",
                "transcript": "Hello, and thank you for being here. I am Dr. Elena Ortiz. "
                "I am the medical director of our program.\n\n"
                "Tonight I want to answer a simple question. What is IOP? IOP stands for "
                "intensive outpatient program. Your loved one comes to us for about three "
                "hours a day, three to five days a week. Then they go home.\n\n"
                "Some families worry that this is not enough. They ask, should my son be in "
                "a hospital? For people who are safe at home, IOP works about as well as "
                "inpatient care. And it lets people practice new skills in real life, "
                "right away.\n\n"
                "Think of treatment as steps. The top step is 24-hour care. Then comes "
                "partial hospitalization, most of the day. Then IOP. Then weekly therapy. "
                "People move up or down the steps as their needs change. Moving down is "
                "good news.\n\n"
                "Thank you. Let's take your questions.",
            },
            {
                "slug": "inside-an-iop-week",
                "title": "Inside an IOP week",
                "summary": "Groups, counseling, life skills, medicines and testing, one by one.",
                "speakers": ["james"],
                "topics": ["levels-of-care", "medication"],
                "guides": ["a-week-in-iop"],
                "days_from_today": -35,
                "minutes": 28,
                "takeaways": [
                    "Group therapy is the heart of most IOPs.",
                    "Testing is a normal part of care, not a punishment.",
                    "Your loved one must sign a release before staff can talk with you.",
                ],
                "body": "Marcus James walks through a typical week, from the first group on "
                "Monday to the aftercare plan at the end.",
                "transcript": "Hi everyone. I am Marcus, one of the family therapists here.\n\n"
                "Let me walk you through a week. Most days start with group therapy. Six to "
                "twelve people sit together with a counselor. They share what is hard and "
                "learn from each other.\n\n"
                "Once a week, your loved one meets one on one with a counselor. There are "
                "also classes on life skills, like sleep, stress and money. A doctor or "
                "nurse checks any medicines.\n\n"
                "We also do urine or breath tests. I know that can sound harsh. But tests "
                "help us see what is working. They also give your loved one a way to show "
                "their progress.\n\n"
                "Last, privacy. We cannot talk with you unless your loved one signs a "
                "release. Ask them kindly if they will. Thank you.",
            },
            {
                "slug": "therapies-explained",
                "title": "CBT, DBT and other therapies, explained",
                "summary": "The skills your loved one learns, and how you can use them too.",
                "speakers": ["chen"],
                "topics": ["substance-use", "anxiety", "depression"],
                "guides": ["therapies-used-in-iop"],
                "days_from_today": -28,
                "minutes": 35,
                "takeaways": [
                    "CBT links thoughts, feelings and actions.",
                    "DBT teaches skills for strong emotions.",
                    "Families can learn the same skills and use the same words.",
                ],
                "body": "Lily Chen explains the main therapies used in IOP, with simple "
                "examples families can try at home.",
                "transcript": "Good evening. I am Lily Chen, an addiction counselor.\n\n"
                "Your loved one is learning skills with names like CBT and DBT. Let me make "
                "them simple.\n\n"
                "CBT is about the link between what we think, feel and do. If I think, "
                "nobody cares, I feel alone, and I may want to drink. CBT helps me catch "
                "that thought and check it.\n\n"
                "DBT gives skills for big feelings. One skill is called TIPP. You can splash "
                "cold water on your face to calm down fast.\n\n"
                "Motivational interviewing is a way of talking. We ask and listen. People "
                "find their own reasons to change.\n\n"
                "You can use these skills too. When families and patients use the same "
                "words, home gets calmer. Thank you.",
            },
            {
                "slug": "after-iop",
                "title": "After IOP: aftercare and staying connected",
                "summary": "What comes next when the program ends, and how families fit in.",
                "speakers": ["ortiz", "brooks"],
                "topics": ["relapse-prevention", "levels-of-care"],
                "guides": ["relapse-prevention-for-families", "family-involvement"],
                "days_from_today": 14,
                "minutes": 30,
                "takeaways": [
                    "Every discharge comes with an aftercare plan.",
                    "Support groups keep recovery going after IOP.",
                ],
                "body": "Dr. Ortiz and peer specialist Dana Brooks talk about the months "
                "after IOP.",
                "transcript": "Dr. Ortiz: Welcome back. Tonight we talk about what happens "
                "after IOP.\n\n"
                "Before your loved one leaves, we make an aftercare plan together. It "
                "often includes weekly therapy, a doctor for medicines and a support "
                "group.\n\n"
                "Dana Brooks: I am Dana. My son finished IOP four years ago. The weeks "
                "after were scary for me. What helped was my own support group. I was not "
                "alone anymore.\n\n"
                "Dr. Ortiz: Families can keep coming to our family nights after discharge. "
                "You are always welcome. Thank you.",
            },
        ],
    },
    {
        "slug": "family-recovery-skills",
        "title": "Family recovery skills",
        "summary": "Four talks on talking, setting limits, preventing relapse and caring "
        "for yourself.",
        "intro": "Recovery is a family journey. This series gives you practical skills for "
        "home.\n\nEach talk ends with one small thing to try this week.",
        "topics": ["communication", "relapse-prevention", "self-care-families"],
        "audience": "all",
        "lectures": [
            {
                "slug": "talking-so-they-can-hear",
                "title": "Talking so your loved one can hear you",
                "summary": "Simple ways to have calm, honest conversations.",
                "speakers": ["james"],
                "topics": ["communication"],
                "guides": ["family-involvement"],
                "days_from_today": -21,
                "minutes": 29,
                "takeaways": [
                    "Use “I” statements instead of blame.",
                    "Pick a calm time to talk.",
                    "Listen more than you speak.",
                ],
                "body": "Marcus James shares the communication skills taught in CRAFT and "
                "motivational interviewing.",
                "transcript": "Hi, I am Marcus. Let's talk about talking.\n\n"
                "When we are scared, we often yell or lecture. It makes sense. But it "
                "usually pushes people away.\n\n"
                "Try this. Start with I. Say, I feel worried when you miss group. Do not "
                "say, you never try. Keep it short. Then ask, what would help?\n\n"
                "Pick your time. Do not talk when someone is using or very upset. Wait for "
                "a calm moment.\n\n"
                "This week, try one I statement. Notice what happens. Thank you.",
            },
            {
                "slug": "setting-healthy-limits",
                "title": "Setting healthy limits with love",
                "summary": "How to set and keep limits without giving up on your loved one.",
                "speakers": ["brooks"],
                "topics": ["communication", "self-care-families"],
                "guides": ["family-involvement", "caring-for-yourself"],
                "days_from_today": -14,
                "minutes": 26,
                "takeaways": [
                    "A limit is about what you will do, not what they must do.",
                    "Say it once, calmly, and follow through.",
                ],
                "body": "Peer specialist Dana Brooks tells how her family learned to set limits.",
                "transcript": "I am Dana, a parent and a peer specialist.\n\n"
                "For years I gave my son money every time he asked. I was afraid of what "
                "would happen if I said no.\n\n"
                "A limit is about what I will do. For example, I will not give cash, but I "
                "will buy groceries. I will not lie to your boss for you. I say it once. "
                "Then I keep to it.\n\n"
                "Limits are not punishment. They keep me healthy and they show respect. "
                "This week, think of one limit you need. Thank you.",
            },
            {
                "slug": "relapse-warning-signs",
                "title": "Relapse: warning signs and what to do",
                "summary": "How to spot early signs and respond with care, not panic.",
                "speakers": ["chen"],
                "topics": ["relapse-prevention", "substance-use"],
                "guides": ["relapse-prevention-for-families"],
                "days_from_today": -7,
                "minutes": 33,
                "takeaways": [
                    "Relapse often starts before any use.",
                    "Overdose risk is higher after a break from use.",
                    "Keep naloxone at home if opioids are involved.",
                ],
                "body": "Lily Chen covers the stages of relapse and a simple family plan.",
                "transcript": "Hello again. I am Lily.\n\n"
                "Relapse often starts long before a drink or a drug. First come feelings, "
                "like stress and anger. Then thoughts, like, one time won't hurt. Then use.\n\n"
                "You may see signs. Skipped groups. Old friends. Poor sleep. When you do, "
                "stay calm. Say what you saw, kindly. Ask how you can help.\n\n"
                "One more thing, and it is important. After a break, the body cannot handle "
                "the same amount. That is when overdoses happen. If opioids are part of the "
                "story, keep naloxone at home. Pharmacies sell it without a prescription.\n\n"
                "Thank you.",
            },
            {
                "slug": "caring-for-the-caregiver",
                "title": "Caring for the caregiver",
                "summary": "Why your own health matters, and where to find support.",
                "speakers": ["ortiz", "brooks"],
                "topics": ["self-care-families", "depression", "anxiety"],
                "guides": ["caring-for-yourself"],
                "days_from_today": 21,
                "minutes": 27,
                "takeaways": [
                    "Stress can harm your health. Rest is not selfish.",
                    "Family support groups help with guilt and shame.",
                ],
                "body": "Dr. Ortiz and Dana Brooks talk about stress, burnout and support.",
                "transcript": "Dr. Ortiz: Tonight is about you, the caregiver.\n\n"
                "Long stress can affect sleep, mood and even the heart. Many family members "
                "feel anxious or down. That is common, and help is available.\n\n"
                "Dana Brooks: I thought I had to be strong all the time. My group taught me "
                "I could rest. I started walking again. I slept better.\n\n"
                "Dr. Ortiz: If you feel hopeless, or sad most days for two weeks, talk to "
                "your doctor. This week, do one kind thing for yourself. Thank you.",
            },
        ],
    },
]
