"""Normalize one pasted article into header fields and a clean Markdown body (pure).

The header block (kicker, headline, dek, date lines, bylines) becomes front matter;
heading lines become ``##`` headings, bullets become lists, FAQ questions become
``###`` headings; citation markers and site boilerplate are removed, and every
removed line is kept in ``dropped`` so an editor can see what went. When unsure,
the normalizer leaves a field out rather than guess (a sentence mentioning a date
is not a date line; a short line is a name only next to other metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from briefing.cache import digest as fingerprint
from briefing.cache import memoized
from briefing.content import When
from briefing.dates import (
    MAX_DATE_LINE,
    DateLine,
    FoundDate,
    find_date,
    is_relative_date,
    read_date_line,
    read_update_time,
    unglue,
)
from briefing.errors import SeedError
from briefing.text import shorten, split_lines, split_sentences, unwrap

MAX_TITLE_LENGTH = 80
HEADER_WINDOW = 16
"""How many lines under the headline may still be header metadata (Medium pastes ~12)."""
PREAMBLE_WINDOW = 24
"""How far down the first byline or date line may sit below page furniture and the headline."""
_NEAR_END = 5


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Lines that are site furniture, not article text. One combined pattern: a body line is
# tested once, not once per rule.
_BOILERPLATE = _any(
    r"^share (?:this|on|via|the|article|story)\b.{0,60}$",
    r"^(?:sign ?up|subscribe|log ?in|sign ?in|register|create (?:a free )?account)\b.{0,70}$",
    r"^follow (?:us|me|@\S+|[\w.]+ on)\b.{0,60}$",
    r"^.{0,60}\bavailable (?:only )?(?:for|to) (?:.{1,40} )?(?:paid )?(?:members|subscribers)\.?$",
    r"^(?:this|the) (?:article|story|post|piece|content|summary|newsletter|report)\b.{0,60}\b"
    r"(?:generated|produced|written|created|drafted|assisted|edited)\b.{0,40}\b(?:ai|artificial "
    r"intelligence|language models?|llms?|automated tools)\b.{0,120}$",
    r"^(?:this|the) (?:article|story|post|piece|content|summary) (?:was|is|has been) (?:ai|machine)"
    r"[- ](?:generated|assisted|written|produced)\b.*$",
    r"^(?:disclosure|ai disclosure|editor'?s note)\s*:.{0,200}\b(?:ai|artificial intelligence)"
    r"\b.*$",
    r"^learn more about our (?:editorial )?(?:standards|policies|ai policy)\.?$",
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|skip advertisement)\b.{0,40}$",
    r"^story continues below\b.{0,30}$|^continue reading (?:below|the main story)\.?$",
    r"^scroll (?:down )?to continue\b.{0,30}$",
    r"^(?:related|read more|see also|recommended|also read|read next|more on this|"
    r"more from \w.{0,30}|watch|listen)\s*:.*$",
    r"^(?:photo|image|illustration|photograph|graphic|video|credits?|source image|pictured)"
    r"(?: credits?| by)?\s*:.{0,120}$",
    r"^(?:click here|continue reading|skip to (?:main )?content|back to top|jump to)\b.{0,60}$",
    r"^home\s*[>/»›].{0,120}$",
    r"^(?:reporting|additional reporting|writing|editing|reporting and writing) by\b.{0,200}$",
    r"^our standards\s*:.*$",
    r"^(?:tags?|topics?|categories|category|filed under|posted in|more about|keywords)\s*:"
    r"\s*\S.{0,200}$",
    r"^(?:leave a (?:reply|comment)|join the conversation|\d+ (?:comments?|responses?|replies)|"
    r"comments? \(\d+\)|view comments|show comments)\.?$",
    r"^(?:view (?:this email |it )?(?:in (?:your |a )?browser|online)|unsubscribe|forward "
    r"(?:this )?to a friend|update (?:your )?preferences|manage (?:your )?subscriptions?|"
    r"was this forwarded to you)\b.{0,120}$",
    r"^you(?:'re| are) receiving this (?:email|newsletter)\b.*$",
    r"^listen (?:on|to this (?:article|episode|story)|now)\b.{0,60}$",
    r"^(?:available|also) on (?:apple podcasts|spotify|youtube)\b.{0,60}$",
    r"^subscribe (?:wherever|on|to (?:the|our) podcast)\b.*$",
    r"^(?:keep reading|continue reading|read the full (?:story|article)) with a\b.*$",
    r"^(?:this|the) (?:post|article|story|content) is (?:only )?(?:for|available to) "
    r"(?:paid |premium )?(?:subscribers|members)\b.*$",
    r"^(?:already (?:a (?:paid )?(?:subscriber|member)|have an account)\?).{0,60}$",
    r"^(?:to )?(?:continue|keep) reading,? (?:please )?(?:subscribe|sign in|log in|register)\b.*$",
    r"^you(?:'ve| have) (?:reached|read) (?:your|\d+) (?:free )?(?:article|story)\b.*$",
    r"^you have \d+ free (?:articles?|stories) (?:left|remaining)\b.*$",
    r"^unlock (?:this|full|unlimited)\b.{0,80}$",
    r"^(?:become a|upgrade to) (?:paid )?(?:subscriber|member|paid|premium)\b.{0,80}$",
    r"^thanks for reading\b.{0,40}\b(?:follow|subscribe|share|sign up|clap)\b.*$",
    r"^(?:©|\(c\)|copyright\b)\s*(?:©\s*)?(?:\d{4}\b)?.{0,120}$",
    r"^subscribe to .{1,60}? to (?:keep|continue) reading\b.*$",
    r"^(?:like )?loading\.\.\.$|^like this:$",
    r"^all rights reserved\.?$|^reuse this content$|^(?:see more|…see more|\.\.\.see more)$",
    r"^for immediate release\.?$|^#{3}$|^-?\s*ends\s*-?$",
    r"^\d+\s*(?:min(?:ute)?s?)\s+(?:read|listen)$",
    r"^(?:est(?:imated)?\.? )?(?:reading|read|listening) time\s*:?\s*(?:about )?\d+\s*"
    r"(?:min(?:ute)?s?)\.?$",
    r"^(?:#[\w-]+\s*){1,12}$",
    r"^\d+ (?:reactions?|likes?|shares?|reposts?)\b.{0,30}$",
    r"^(?:most (?:popular|read)|trending(?: now)?|latest (?:news|stories))$",
    # Gallery captions and licensing links of wire photos ("Item 1 of 2 ...", "[1/2]...").
    r"^(?:item \d+ of \d+|\[\d+/\d+\])\s*\S.*$",
    r"^(?:photo|image|illustration|photograph|graphic|video|animation)s? by [A-Z][^.]{0,100}$",
    # Newsletter sign-up boxes (Substack, Verge, Bloomberg...).
    r"^(?:discover more from|type your email|enter your email|email \(required\))\b.{0,80}$",
    r"^by (?:subscribing|submitting your email|signing up|clicking)\b.*$",
    r"^this site is protected by recaptcha\b.*$",
    r"^(?:over |join )?[\d,.]+[km]?\+? (?:subscribers|followers|readers)$",
    r"^(?:have a (?:confidential |news )?tip\b.{0,80}|before it'?s here, it'?s on the\b.{0,40})$",
    r"^(?:learn more|read more|see more|show more|load more|view more)\.?$",
    r"^get (?:unlimited|full|digital|instant|more) (?:access|news)\b.{0,100}$",
    r"^you(?:'ve| have) (?:reached|read|used) (?:your|all|\d+)(?: of (?:your |the )?\d+)? "
    r"(?:free )?(?:articles?|stor(?:y|ies)|gift articles)\b.*$",
    # Footers, reader polls, video embeds, sponsor reads.
    r"^(?:privacy(?: policy| notice| dashboard)?|terms(?: of (?:use|service))?|"
    r"terms and privacy policy|cookie (?:policy|settings|preferences)|licensing (?:&|and) "
    r"reprints|reprints (?:&|and) permissions|report an? (?:typo|error|correction)|"
    r"suggest a correction)\.?$",
    r"^was this (?:article|page|post|answer) (?:helpful|useful)\??$",
    r"^disclaimer\s*:\s*(?:this|the) (?:article|content|post|page|information)\b.{0,60}\bfor "
    r"(?:general )?informational purposes\b.*$",
    r"^(?:watch (?:now|live|video)|video|play|play episode|download|translate)$",
    r"^this (?:episode|podcast|show|newsletter|post|video) is (?:brought to you|sponsored|"
    r"supported|presented) by\b.*$",
    r"^\[?(?:edited|editing|reporting|writing|additional reporting) by\b.{0,200}$",
    r"^content[- ]type\s*:.{0,40}$",
    r"^news based on facts\b.*$",
    r"^.{1,60} and [\d,.]+[km]? others$",
    r"^discuss (?:on|this (?:post|article) on)\b.{0,60}$",
    r"^(?:←\s*)?(?:previous|prev|next|older|newer)(?: post| article| story)?\s*:.{0,120}$",
    r"^join (?:the |our )?[\w'’ ]{1,30}(?:club|community)$",
    r"^(?:love|enjoy(?:ing)?|like) [\w ]{1,30}\?.{0,80}\b(?:friends|share|refer|rewards)\b.*$",
    r"^(?:share your referral link|track your referrals)\b.*$",
    r"^(?:want to |interested in )?advertis(?:e|ing)(?: (?:in|with) .{1,40})?$",
    r"^if you have any (?:comments|feedback|questions)\b.{0,60}\b(?:reply|respond)\b.*$",
)
# Furniture recognised by how the line ends (captions, credits, sign-up links): searched in
# the last characters only, which keeps long paragraphs cheap.
_BOILERPLATE_END = _any(
    r"\b(?:photo|image|illustration|photograph|graphic|credits?|video)"
    r"(?: credits?| by)?\s*:\s*[A-Z][\w .,&'’/-]{1,80}$",
    r"\((?:photo|image|illustration|photograph|credit|ap photo|afp photo)\b[^)]{0,100}"
    r"\)\.?$",
    r"(?:/|\bvia )(?:getty images|afp|ap|reuters|bloomberg|shutterstock|alamy)\)?\.?$",
    r"\b(?:purchase licensing rights|opens new tab)$",
    r"\bsign up here\.?$",
    r"\bcancel any ?time\.?$",
    r"\badvertise with us\.?$",
    r"\((?:sponsor|sponsored|ad|advertisement|partner)\)$",
)
_END_SPAN = 200
_END_WORDS = ("getty images", "afp", "ap", "reuters", "bloomberg", "shutterstock", "alamy",
              "purchase licensing rights", "opens new tab", "sign up here", "cancel anytime",
              "cancel any time", "advertise with us")
"""What a line ends with (its last dots and brackets aside) where ``_BOILERPLATE_END``
matches without a colon in it or a bracket at its very end."""
_SHARE_WORDS = frozenset({
    "share", "shares", "tweet", "email", "e-mail", "mail", "x.com", "print", "copy", "link", "save",
    "saved", "comment", "comments", "restack", "restacks", "listen", "follow", "following",
    "like", "reply", "repost", "send",
    "bookmark", "gift", "facebook", "twitter", "x", "linkedin", "reddit", "whatsapp",
    "flipboard", "pinterest", "threads", "bluesky", "mastodon", "this", "article", "story",
    "on", "via", "the", "url"
})
_SHARE_CORE = _SHARE_WORDS - {"this", "article", "story", "on", "via", "the", "url"}
_TRAILING_SECTION = re.compile(
    r"^(?:explore more on these topics|more on (?:this story|these topics)|related (?:articles|"
    r"stories|coverage|content|reading|posts)|read (?:more|next)|more from [\w .&'’-]{1,40}|"
    r"you (?:may|might) also like|most (?:popular|read)|recommended(?: for you| reading)?|"
    r"trending(?: now)?|latest (?:news|stories)|further reading|more stories|popular stories|"
    r"topics|tags|related|share this|filed under)"
    r"\s*:?$", re.IGNORECASE)
_END_MARKER = re.compile(
    r"^(?:most (?:popular|read|viewed|shared)|related (?:articles|stories|coverage|posts|reading|"
    r"content|links|terms)|recommended (?:from \w+|for you|reading|stories)|more from [\w .&'’-]"
    r"{1,40}|read more (?:from|with|on|in) .{1,40}|you (?:may|might) also like|more (?:stories|"
    r"articles) (?:from|like this)\b.*|explore more on these topics|discussion about this post|"
    r"suggested topics|follow topics and authors\b.*|written by .{1,60}|ready for more\?|"
    r"go deeper:.*|was this (?:article|page|post) (?:helpful|useful)\?|(?:…|\.\.\.)?see more|"
    r"you(?:'ve| have) (?:reached|read|used) .{0,60}\b(?:articles?|stor(?:y|ies))\b.*|"
    r"top stories|editor'?s picks|staff picks|popular (?:stories|now)|trending (?:now|stories)|"
    r"latest (?:on|in|from) [\w .&'’-]{1,30}|posted in|filed under)\s*:?$",
    re.IGNORECASE)
_TAIL_WINDOW = 60
_COMMENTS_MARKER = re.compile(r"^(?:comments section|sort (?:comments )?by:?|view all comments|"
                              r"join the discussion|discussion about this post)$", re.IGNORECASE)
_EMPTY_LABELS = {"sources", "source", "topics", "tags", "related", "share", "comments",
                 "sponsors", "sponsor", "transcript", "table of contents", "contents",
                 "references", "more", "related articles", "read next", "footnotes", "notes"}
_HEADER_META = _any(
    r"^(?:follow|following|listen|share|save|subscribe|--|—|–|·|•|∙|\|)$",
    r"^[∙·•]?\s*(?:paid|free|premium|members? only|subscriber exclusive)$",
    r"^\d{1,6}$",
    r"^(?:est\.?\s*)?\d+\s*(?:min(?:ute)?s?|hrs?)(?:\s+(?:read|listen|watch))?$",
    r"^\d+(?:\.\d)?[km]$|^\d{1,3}(?:,\d{3})+$|^\d{1,2}:\d{2}(?::\d{2})?$",
    r"^@\w{2,30}$|^\d+ comments?(?:\s*\d+ new)?$|^member-only story$|^open in app$",
    r"^(?:in this (?:article|story)|tickers?)\s*:?$",
    r"^(?-i:[A-Z]{2,5}(?:\.[A-Z]{1,2})?)$",
    r"^(?:ceo|cto|cfo|coo|cpo|founder|co-founder|president|(?:senior |executive )?vice president|"
    r"s?vp|evp|general manager|head of [\w ]{2,30}|(?:managing )?director|chief [\w ]{2,30} "
    r"officer)\b(?:,? (?:of )?[A-Z][\w&'’., -]{1,50})?$",
    r"^(?:senior |staff |contributing |chief |deputy |managing |executive |technology |tech )*"
    r"(?:reporter|writer|editor|correspondent|columnist|contributor|analyst|journalist)"
    r"(?:,? [\w ]{1,30})?$",
    r"^(?:policy brief|press release|news release|opinion|analysis|explainer|newsletter|"
    r"commentary|exclusive|sponsored|guest post|interview)$",
)
_LABEL_ONLY = re.compile(r"^(?:(?:publication date|published(?: on)?|date|posted(?: on)?|updated|"
                         r"last updated|author|authors|written by|by|byline)\s*:|published in|"
                         r"news provided by)$", re.IGNORECASE)
_PUBLICATION = re.compile(r"^(?:published in|news provided by|source:)\s+(?P<publisher>[A-Z0-9]"
                          r"[\w&'’. -]{1,60}?)\.?$", re.IGNORECASE)
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|(?:de|da|van|von|der|den|del|di|la|le|bin|al|ibn)\b)"
_NAME = _NAME_WORD + r"(?:[ \t]+" + _NAME_WORD + r"){0,4}"
_NAMES = r"(?P<name>" + _NAME + r"(?:(?:\s+and\s+|\s*&\s*)" + _NAME + r")?)"
_BYLINE = re.compile(
    r"^(?:by|written by|words by|words|story by|posted by|authors?|byline)\s*:?\s+" + _NAMES +
    r"\s*(?:[,|·(].*)?$", re.IGNORECASE)
_CASED_NAME = re.compile(r"^" + _NAME + r"$")
_ROLE = r"(?:writer|reporter|correspondent|editor|columnist|analyst|contributor|journalist)"
_ROLE_END = re.compile(r"\b" + _ROLE + r"$", re.IGNORECASE)
"""'Senior AI Reporter' after a byline's bar is the author's role, not the publication."""
_ROLE_BYLINE = re.compile(r"^(?P<name>" + _NAME + r")(?:,| [|·—–]) (?:[A-Z][\w&'’. -]{0,40} )?"
                          # "X, Asia Ledger staff writer", "X, Policy Correspondent"
                          r"(?:staff |senior |chief |contributing |special )?(?i:" + _ROLE + r")$")
_PUBLICATION_NAME = r"(?P<publisher>[A-Z][\w&'’.-]*(?: (?:[A-Z&][\w&'’.-]*|of|the|and)){0,4})"
_BYLINE_PUBLISHER = re.compile(r"(?:\s[|·]\s*" + _PUBLICATION_NAME + r"|, " + _PUBLICATION_NAME
                               .replace("publisher", "staff") + r" staff (?:writer|reporter|"
                               r"correspondent))$")
_NOT_NAME_WORDS = frozenset({
    "the", "a", "an", "of", "and", "in", "on", "for", "to", "with", "what", "why", "how", "who",
    "when", "where", "is", "are", "was", "key", "our", "your", "my", "this", "that", "these",
    "episode", "summary", "introduction", "conclusion", "update", "news", "more", "about",
    "faq", "insights", "takeaways", "contents", "overview", "background", "analysis"
})
_DEK_BYLINE = re.compile(r",?\s+by\s+" + _NAMES + r"\.?$")
_CLOSING_BYLINE = re.compile(
    r"^(?P<name>" + _NAME + r") (?:covers|writes about|reports on|writes on) "
    r".{1,80}? (?:for|at) (?P<publisher>(?:the )?[A-Z][\w.&'’ -]{1,60}?)\.?$")
_CLOSING_BIO = re.compile(
    r"^(?P<name>" + _NAME + r") is (?:a|an|the) [\w ,-]{0,60}?(?:reporter|writer|editor|"
    r"correspondent|columnist|contributor|journalist|analyst|producer|author)\b[\w ,-]{0,30}? "
    r"(?:at|for|with) (?P<publisher>(?:the )?[A-Z][\w.&'’ -]{0,50}?)"
    r"(?:,? (?:covering|where|based|who)\b.*)?\.?$")
_PUBLISHER_HINTS = (
    re.compile(r"\bavailable (?:only )?(?:for|to) (?P<publisher>[A-Z][\w.&'’-]*(?:\s+[A-Z]"
               r"[\w.&'’-]*){0,3}?)(?: (?:Pro|Plus|Premium|Insider|VIP|Gold|Platinum|Elite|\+))? "
               r"(?:members|subscribers)\b"),
    re.compile(r"^subscribe to (?P<publisher>[A-Z][\w&'’. -]{1,60}?) to (?:keep|continue) "
               r"reading\b", re.IGNORECASE),
    re.compile(r"^the post .+ appeared first on (?P<publisher>[A-Z][\w&'’. -]{1,60}?)\.?$",
               re.IGNORECASE),
    re.compile(r"^(?:this (?:article|story|post|piece) )?(?:was )?(?:originally|first) "
               r"(?:published|appeared)\b.*?\b(?:on|in|at|by) (?P<publisher>[A-Z][\w&'’. -]"
               r"{1,60}?)\.?$", re.IGNORECASE),
    re.compile(r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:[-–]\d{4})?,?\s+)(?P<publisher>"
               r"[A-Z][\w&'’. -]{1,60}?)(?:,? (?:inc|llc|ltd)\.?)?\.?"
               r"(?:\s+all rights reserved(?:\.\s.*|\.)?)?$",
               re.IGNORECASE),
    # Newsletter boxes name the publication: "Discover more from X", "Thanks for reading X!"
    re.compile(r"^(?i:discover more from|thanks for reading) (?P<publisher>[A-Z][\w&'’.-]*"
               r"(?: [\w&'’.-]+){0,5}?)(?:[!.]|$)"),
)
_SOURCE_LINES = re.compile(r"^the post .+ appeared first on |^(?:this (?:article|story|post|piece) "
                           r")?(?:was )?(?:originally|first) (?:published|appeared)\b",
                           re.IGNORECASE)
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w.]*(?:\s+\d{1,2})?)?\s*"
                            r"\((?P<publisher>[A-Z][\w .&'’-]{1,40})\)\s*[-—–]")
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .'’-]{1,30})?,\s*(?=\S)")
_DATE_LABEL = re.compile(r"^(?:(?:last |first |originally )?(?:published|posted|updated|modified)"
                         r"|date)\b", re.IGNORECASE)
_TABLE_CELL = re.compile(r"(?<=\S)[ \t]*\t[ \t]*(?=\S)")
_SITE_ANALYSIS = re.compile(r"^(?P<site>[A-Z][a-z]{2,20}(?:[A-Z][a-z]{1,20})?) Analysis$")
_ANALYSIS_KINDS = frozenset({
    "our", "my", "the", "market", "cost", "data", "risk", "impact", "industry", "expert", "quick",
    "deep", "news", "trend", "gap", "root", "swot", "price", "chart", "sentiment", "benchmark",
    "policy", "security", "performance", "further", "full", "final", "key", "case", "business",
    "threat", "code", "image", "video", "text", "network", "traffic", "error", "failure",
})
_ADJECTIVE_ENDINGS = ("al", "ive", "ic", "er", "ed", "ing", "ly", "ous", "ary", "ial", "ful",
                      "less", "ical", "ent", "ant")
_YEAR_IN_LINE = re.compile(r"(?:19|20)\d\d")
_BYLINE_PARTS = re.compile(r"\s[|·•]\s|\s[—–]\s")
_DOMAIN_SECTION = re.compile(r"^(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}) "
                             r"(?:Analysis|Take|View|Opinion)$")
_LIST_ITEM = re.compile(r"^(?:[-*–]\s+|[•·▪‣◦●]\s*)(?P<text>\S.*)$")
_CITATIONS = re.compile(r"(?<=\S)(?:\s?\[(?:\d{1,3}|citation needed)\])+"
                        r"(?=$|[\s.,;:!?)\"'”’])")
_FAQ_HEADING = re.compile(r"^(?:frequently asked questions|faqs?|common questions|people also ask)"
                          r"\b", re.IGNORECASE)
_QA_PREFIX = re.compile(r"^(?:Q|Question)\s*[:.]\s*")
_ANSWER_PREFIX = re.compile(r"^(?:A|Answer)\s*[:.]\s*")
_SQUASH = re.compile(r"\W+")
_SOCIAL_MARKER = re.compile(r"^(?:•?\s*(?:1st|2nd|3rd\+?)|\d{1,2}[hdwmy]\s*•.{0,80}|"
                            r"feed post number \d+)$", re.IGNORECASE)
_DURATION = re.compile(r"^(?:video\s*)?\d{1,2}:\d{2}(?::\d{2})?$", re.IGNORECASE)
_DECORATION = re.compile(r"^[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D ]+$")
"""A line of emoji only: a newsletter's section decoration (a headline of emoji stays)."""
_FORUM = re.compile(r"^r/\w{2,21}$")
_USER_HANDLE = re.compile(r"^(?:u/)?[\w-]{3,24}$")
_BLOCK_STARTS = (
    # (start, end, longest): a sponsor box, an AI-summary box, a photo credit label
    (re.compile(r"^(?:together with|sponsored by|presented by|in partnership with|a message "
                r"from)\s*:?$", re.IGNORECASE), re.compile(r"\((?:sponsor|sponsored|ad)\)$",
                                                           re.IGNORECASE), 6),
    (re.compile(r"^(?:read )?(?:an? )?ai[- ]generated summary$", re.IGNORECASE),
     re.compile(r"^summar(?:y|ies) (?:was|were) (?:generated|created|written)\b", re.IGNORECASE),
     12),
    # a newsletter sign-up box: its pitch line sits between the invitation and the e-mail field
    (re.compile(r"^(?:sign ?up|subscribe|get|join)\b.{0,80}\bnewsletters?\b.{0,40}$",
                re.IGNORECASE),
     re.compile(r"^(?:enter|type) (?:your )?e-?mail\b|^(?:your )?e-?mail address\b",
                re.IGNORECASE), 4),
)
_BOX_PRECHECK = re.compile(r"^(?:together|sponsored|presented|in partnership|a message|read ai|"
                           r"ai[- ]generated|an? ai|sign ?up|subscribe|get|join)", re.IGNORECASE)
_CREDIT_LABEL = re.compile(r"^(?:photo|image|credit|credits|photograph|illustration)\s*:$",
                           re.IGNORECASE)
_READ_TIME_LINK = re.compile(r"\(\d+ min(?:ute)? (?:read|podcast|video|listen)\)$", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^\(?\d{1,2}:\d{2}(?::\d{2})?\)?\s")
_CONTENTS = re.compile(r"^(?:table of contents|contents|in this (?:article|guide|post)|"
                       r"on this page|jump to(?: section)?)\s*:?$", re.IGNORECASE)
_NUMBERING = re.compile(r"^\d{1,2}[.)]\s+")
_BREADCRUMB = re.compile(r"\s[/|›>»]\s")
_SECTION_PREFIX = re.compile(r"^(?:[A-Z][\w&-]*(?: [A-Z&][\w&-]*)?|[A-Z][a-z]+ [a-z]+) \| (?=\S)")


@dataclass(frozen=True, slots=True)
class Normalized:
    """What the normalizer reads out of one seed, before themes, slug and id are assigned."""

    title: str
    title_inferred: bool
    body: str
    summary: str
    date: When | None = None
    updated: When | None = None
    dek: str | None = None
    author: str | None = None
    publisher: str | None = None
    dropped: tuple[str, ...] = field(default=())
    url: str | None = None
    """Where the article was published; only the manifest gives it."""


@dataclass(slots=True)
class _Header:
    """Header fields gathered while scanning (mutable only inside this module)."""

    date: When | None = None
    updated: When | None = None
    dek: str | None = None
    author: str | None = None
    publisher: str | None = None
    dropped: list[str] = field(default_factory=list)

    def take_author(self, name: str | None) -> None:
        if name and self.author is None:
            self.author = _tidy_name(name)

    def take_publisher(self, name: str | None) -> None:
        if name and self.publisher is None:
            self.publisher = name.strip(" .,")


@memoized("normalize", lambda text, tz: fingerprint(text, tz.key))
def normalize_text(text: str, tz: ZoneInfo) -> Normalized:
    """Normalize the text of one pasted article (once per text: kept in the build cache)."""
    lines = [line for line in unwrap(split_lines(_mark_table_cells(text))) if line]
    if not lines:
        raise SeedError("no visible text")
    header = _Header()
    lines = _join_labels(lines[:PREAMBLE_WINDOW + HEADER_WINDOW]) + lines[
        PREAMBLE_WINDOW + HEADER_WINDOW:]
    if social := _social_post_header(lines, header):
        # A social post has no headline: the title comes from its first sentence
        lines = lines[social:]
        title, title_inferred, rest = "", True, lines
    else:
        above = _forum_header(lines, header) or _furniture_above_headline(lines, header, tz)
        lines = lines[above:] if above else _take_preamble(lines, header, tz)
        title, title_inferred, rest = _take_title(lines)
        rest = _take_header_block(rest, title, header, tz)
    body_lines = _take_body_metadata(rest, title, header, tz)
    paragraphs = [_strip_citations(line) for line in body_lines]
    body = _to_markdown(paragraphs)
    if title_inferred:
        title = _title_from_lead(paragraphs[0] if paragraphs else lines[0])
    return Normalized(
        title=title,
        title_inferred=title_inferred,
        body=body,
        summary=_summary(header.dek, paragraphs),
        date=header.date,
        updated=header.updated,
        dek=header.dek,
        author=header.author,
        publisher=header.publisher,
        dropped=tuple(header.dropped),
    )


def _mark_table_cells(text: str) -> str:
    """A pasted table arrives as tab-separated rows: keep the cell boundaries as ' | '."""
    return _TABLE_CELL.sub(" | ", text) if "\t" in text else text


def _take_preamble(lines: list[str], header: _Header, tz: ZoneInfo) -> list[str]:
    """Drop site furniture, a section kicker and metadata that sit above the headline."""
    index = 0
    while index < min(len(lines) - 1, 4):
        line = lines[index]
        if (found := read_date_line(unglue(line), tz)) and _looks_like_headline(lines[index + 1]):
            _record_date_line(found, header)
        elif _is_boilerplate(line) or _is_kicker(line, lines[index + 1]):
            header.dropped.append(line)
        elif byline := _byline_name(line):
            header.take_author(byline)
        else:
            break
        index += 1
    return lines[index:]


def _furniture_above_headline(lines: list[str], header: _Header, tz: ZoneInfo) -> int:
    """How many lines of page furniture (site name, navigation, sign-in links, section labels)
    sit above the headline, found by walking up from the first byline or date line; 0 if unsure.

    The headline is the content line nearest above that metadata, or the line above it when
    that one reads as the headline of a dek. Every line above the headline must look like
    furniture (short, boilerplate or metadata): a paragraph there means there is no headline.
    """
    anchor = next((index for index in range(1, min(len(lines), PREAMBLE_WINDOW))
                   if _is_anchor(lines[index], tz)), None)
    if anchor is None:
        return 0
    top = anchor - 1
    while top > 0 and _is_header_furniture(lines[top], tz):
        top -= 1
    if top > 0 and _headline_over_dek(lines[top - 1], lines[top]):
        top -= 1
    if top <= 0 or not _looks_like_headline(lines[top]) or _is_header_furniture(lines[top], tz):
        return 0
    furniture = lines[:top]
    if not all(_is_furniture(line, previous) for line, previous in
               zip(furniture, ["", *furniture], strict=False)):
        return 0
    for line in furniture:
        if (found := read_date_line(unglue(line), tz)) is not None:
            _record_date_line(found, header)
        else:
            _read_publisher_hint(line, header)
            header.dropped.append(line)
    return top


def _forum_header(lines: list[str], header: _Header) -> int:
    """A Reddit-style header ('r/Name', '•', '5 hr. ago', 'username') above the post's title:
    its length; 0 if there is none."""
    forum = next((index for index, line in enumerate(lines[:8]) if _FORUM.match(line)), None)
    if forum is None:
        return 0
    when = next((index for index in range(forum + 1, min(len(lines), forum + 10))
                 if is_relative_date(lines[index])), None)
    if when is None:
        return 0
    end = when + 1
    if end < len(lines) - 1 and _USER_HANDLE.match(lines[end]):
        end += 1
    header.dropped.extend(lines[:end])
    return end


def _social_post_header(lines: list[str], header: _Header) -> int:
    """A LinkedIn-style post header (name, connection degree, tagline, '3d • Visible to
    anyone', 'Follow'): its length, with the poster's name as author; 0 if there is none."""
    marker = next((index for index in range(min(len(lines) - 1, 10) - 1, -1, -1)
                   if _SOCIAL_MARKER.match(lines[index])), None)
    if marker is None:
        return 0
    end = marker + 1
    while end < len(lines) - 1 and (_is_boilerplate(lines[end])
                                    or lines[end] in ("Follow", "Connect")):
        end += 1
    for line in lines[:end]:
        if _is_name(line):
            header.take_author(line)
        header.dropped.append(line)
    return end


def _is_anchor(line: str, tz: ZoneInfo) -> bool:
    """A byline with a real name, or a metadata line carrying a full date."""
    if len(line) > MAX_DATE_LINE:  # a paragraph (checked first: most lines are)
        return False
    name = _byline_name(line)
    if name is not None:
        found = bool(_CASED_NAME.match(name))
    else:
        found = read_date_line(unglue(line), tz) is not None
    return found and not _is_boilerplate(line)


def _is_header_furniture(line: str, tz: ZoneInfo) -> bool:
    return _header_kind(line, "", tz) is not None or _is_name(line)


def _headline_over_dek(line: str, below: str) -> bool:
    """'Headline' above 'dek': both read as such, and the upper one is not a section label."""
    words = line.split()
    return (len(words) >= 4 and len(line) >= 25 and _looks_like_headline(line)
            and not _BREADCRUMB.search(line) and not _is_boilerplate(line)
            and not line.endswith((".", ":")) and len(below.split()) >= 5)


def _is_furniture(line: str, previous: str) -> bool:
    """Site name, navigation, sign-in links, a section label; or a newsletter box's tagline."""
    if _is_boilerplate(line) or previous.lower().startswith("discover more from"):
        return True
    return len(line.split()) <= 8 and not line.endswith((".", "!", "?", ":"))


def _is_kicker(line: str, following: str) -> bool:
    """'AI' or 'TECHNOLOGY' above a headline: a section label, not the title."""
    words = line.split()
    short = len(words) <= 2 or (line.isupper() and len(words) <= 4)
    return (short and not line.endswith((".", "?", "!", ":")) and len(following.split()) >= 4
            and not following.endswith(".") and _looks_like_headline(following))


def _take_title(lines: list[str]) -> tuple[str, bool, list[str]]:
    first = _SECTION_PREFIX.sub("", _strip_citations(lines[0]))
    if _looks_like_headline(first):
        return first, False, lines[1:]
    return "", True, lines


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if len(line) > 200 or len(words) > 25 or _LIST_ITEM.match(line):
        return False
    sentences = split_sentences(line)
    return len(sentences) <= 1 or (len(sentences) == 2 and len(words) <= 14)


def _same_text(a: str, b: str) -> bool:
    if not a or not b or len(a) > 2 * len(b) + 20 or len(b) > 2 * len(a) + 20:
        return False
    return _SQUASH.sub("", a).lower() == _SQUASH.sub("", b).lower()


def _take_header_block(lines: list[str], title: str, header: _Header, tz: ZoneInfo) -> list[str]:
    """Consume the dek, date lines, bylines and furniture right under the headline."""
    window = _join_labels(lines[:HEADER_WINDOW])
    kinds = [_header_kind(line, title, tz) for line in window]
    dek_at: int | None = None
    end = stop = 0
    for stop, (line, kind) in enumerate(zip(window, kinds, strict=True)):
        if kind is None and header.date and (when := read_update_time(line, header.date, tz)):
            header.updated = header.updated or when
        elif kind is None:
            if _is_name_next_to_metadata(window, kinds, stop):
                header.take_author(line)
            elif stop == 0 and title and len(line) <= 400:
                dek_at = 0
                continue
            elif dek_at is None and header.dek is None and _dek_above_byline(window, kinds, stop):
                _take_dek(line, header)  # company blogs: date, share buttons, dek, author
            else:
                break
        elif isinstance(kind, DateLine):
            _record_date_line(kind, header)
        elif kind == "byline":
            header.take_author(_byline_name(line))
            header.take_publisher(_byline_publisher(line))
            if found := _date_after_byline(line, tz):
                _record_date_line(found, header)
        elif kind == "publication":
            header.take_publisher(_PUBLICATION.match(line).group("publisher"))  # type: ignore[union-attr]
            header.dropped.append(line)
        else:
            header.dropped.append(line)
        end = stop + 1
    if dek_at is not None:
        following = window[stop] if stop < len(window) and stop > 0 else ""
        if end == 0 and not _dek_stands_alone(window[0], following):
            return lines
        _take_dek(window[0], header)
        end = max(end, 1)
    return window[end:] + lines[HEADER_WINDOW:]


def _dek_above_byline(window: list[str], kinds: list[object], index: int) -> bool:
    """A standalone line between header metadata and the author's name and role is the dek."""
    return (index + 2 < len(window) and len(window[index]) <= 400
            and _is_name(window[index + 1]) and kinds[index + 2] is not None)


def _dek_stands_alone(line: str, following: str) -> bool:
    """With no metadata under it, a line is a dek if a heading or dateline comes next, or if it
    reads as a subtitle (several words, no closing period) above a paragraph."""
    if _looks_like_heading(line):
        return len(line.split()) >= 7 and not _looks_like_heading(following)
    return _looks_like_heading(following) or bool(_DATELINE.match(following))


def _take_dek(line: str, header: _Header) -> None:
    """A standalone line under the headline: the dek, unless it is a two-word label."""
    if len(line.split()) <= 2:
        header.dropped.append(line)
        return
    header.dek = _strip_citations(line)
    if match := _DEK_BYLINE.search(header.dek):
        header.take_author(match.group("name"))


def _join_labels(lines: list[str]) -> list[str]:
    """'Publication date:' on one line and its value on the next become one line."""
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _LABEL_ONLY.match(line) and index + 1 < len(lines):
            joined.append(f"{line} {lines[index + 1]}")
            index += 2
            continue
        joined.append(line)
        index += 1
    return joined


def _header_kind(line: str, title: str, tz: ZoneInfo) -> DateLine | str | None:
    """What a line under the headline is: a date line, 'byline', 'drop', or None (text)."""
    if _same_text(line, title):
        return "drop"
    if (found := read_date_line(unglue(line), tz)) is not None:
        return found
    if _BYLINE.match(line) or _ROLE_BYLINE.match(line):
        return "byline"
    if _PUBLICATION.match(line):
        return "publication"
    if _HEADER_META.match(line) or is_relative_date(line) or _is_boilerplate(line):
        return "drop"
    return None


def _is_name_next_to_metadata(window: list[str], kinds: list[object], index: int) -> bool:
    """A bare name ('Priya Raman') counts as the author only beside other metadata."""
    if not _is_name(window[index]):
        return False
    before = kinds[index - 1] if index else None
    after = kinds[index + 1] if index + 1 < len(kinds) else None
    return (before is not None and index > 0) or after is not None


def _is_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 4 or any(w.lower() in _NOT_NAME_WORDS for w in words):
        return False
    return bool(_CASED_NAME.match(line)) and all(w.replace("-", "").replace("'", "").replace(
        "’", "").replace(".", "").isalpha() for w in words)


def _byline_name(line: str) -> str | None:
    match = _BYLINE.match(line) or _ROLE_BYLINE.match(line)
    return match.group("name") if match else None


def _date_after_byline(line: str, tz: ZoneInfo) -> DateLine | None:
    """'By Jane Doe, Senior AI Reporter | March 3, 2026': the date in a part after the name
    (the whole line is too long to be read as a date line)."""
    if not _YEAR_IN_LINE.search(line):
        return None
    for part in _BYLINE_PARTS.split(line)[1:]:
        if found := read_date_line(part, tz):
            return found
    return None


def _byline_publisher(line: str) -> str | None:
    """'By Anna Kowalska | Brussels Digest', 'By X, Asia Ledger staff writer': the publication."""
    match = _BYLINE_PUBLISHER.search(line)
    name = match and (match.group("publisher") or match.group("staff"))
    return None if not name or _HEADER_META.match(name) or _ROLE_END.search(name) else name


def _tidy_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.")
    return name.title() if name.isupper() else name


def _record_date_line(found: DateLine, header: _Header) -> None:
    for item in found.dates:
        _record_date(item, header)
    for other in found.others:
        if match := _PUBLICATION.match(other):
            header.take_publisher(match.group("publisher"))
        elif match := _BYLINE.match(other):
            header.take_author(match.group("name"))
        elif _is_name(other):
            header.take_author(other)


def _record_date(found: FoundDate, header: _Header) -> None:
    if found.updated and header.date is not None:
        header.updated = header.updated or found.value
    elif header.date is None:
        header.date = found.value
    elif header.updated is None and found.value != header.date:
        header.updated = found.value


def _is_boilerplate(line: str) -> bool:
    if len(line) > 400:  # longer than any caption or footer: an article paragraph
        return False
    if _BOILERPLATE.match(line) or _ends_as_boilerplate(line):
        return True
    words = line.lower().replace("|", " ").replace("·", " ").split()
    return (0 < len(words) <= 8 and all(w.strip(",:") in _SHARE_WORDS for w in words)
            and any(w.strip(",:") in _SHARE_CORE for w in words))


def _ends_as_boilerplate(line: str) -> bool:
    """``_BOILERPLATE_END`` found at the line's end. An ASCII end is looked at first: most
    lines cannot match there (searching them was a fifth of normalizing a seed)."""
    tail = line[-_END_SPAN:]
    end = tail.removesuffix("\n")  # ``$`` also matches before a last line break
    if tail.isascii() and ":" not in tail and not end.endswith((")", ").")) \
            and not end.lower().rstrip(".)").endswith(_END_WORDS):
        return False
    return _BOILERPLATE_END.search(line, max(0, len(line) - _END_SPAN)) is not None


def _take_body_metadata(lines: list[str], title: str, header: _Header,
                        tz: ZoneInfo) -> list[str]:
    """Drop boilerplate, the repeated headline and the page below the article; read closing
    bylines, datelines and publishers."""
    kept: list[str] = []
    lines = _drop_boxes(lines, header)
    cut = _end_of_article(lines, header.author)
    if cut < len(lines):
        _read_page_bottom(lines[cut:], header, tz)
    embed = 0  # lines of a video embed still to drop: its title and show name
    for position, line in enumerate(lines):
        near_end = position >= cut - _NEAR_END
        in_embed, embed = embed > 0 and _looks_like_heading(line), max(embed - 1, 0)
        if _DURATION.match(line):
            embed = 2
            header.dropped.append(line)
        elif in_embed:
            header.dropped.append(line)
        elif position >= cut:
            # Teasers below the article carry other articles' dates and bylines: skip those
            _read_publisher_hint(line, header)
            header.dropped.append(line)
        elif _same_text(line, title) or (near_end and _read_closing_metadata(line, header, tz)):
            header.dropped.append(line)
        elif _is_boilerplate(line) or _DECORATION.match(line):
            _read_publisher_hint(line, header)
            header.dropped.append(line)
        else:
            if not kept:
                _read_dateline(line, header, tz)
            if match := _DOMAIN_SECTION.match(line):
                header.take_publisher(match.group("domain"))
            kept.append(line)
    if header.publisher is None:
        header.take_publisher(_site_analysis_section(kept))
    return _drop_empty_labels(_drop_trailing_sections(_drop_contents(kept, header), header),
                              header)


def _site_analysis_section(lines: list[str]) -> str | None:
    """'Tensorline Analysis': a section named after the site. The name must be a brand, not a
    word: never written in lower case in the text, and not an adjective ('Technical')."""
    for line in lines:
        if not line.endswith(" Analysis") or not (match := _SITE_ANALYSIS.match(line)):
            continue
        word = match["site"].lower()
        if word in _ANALYSIS_KINDS or word.endswith(_ADJECTIVE_ENDINGS):
            continue
        if not re.search(r"\b" + re.escape(word) + r"\b", "\n".join(lines)):
            return match["site"]
    return None


def _read_page_bottom(lines: list[str], header: _Header, tz: ZoneInfo) -> None:
    """Below the article: an author card's bio ('X is a senior editor at P, where ...'), and a
    labelled date line at the very bottom when it is the only date there (teasers carry
    dates of their own, so a second one makes the bottom unreadable)."""
    for line in lines:
        if (match := _CLOSING_BIO.match(line)) and header.author in (None, match.group("name")):
            header.take_author(match.group("name"))
            header.take_publisher(match.group("publisher"))
    if header.date is not None:
        return
    dated = [(index, found) for index, line in enumerate(lines)
             if len(line) <= 120 and (found := read_date_line(line, tz))]
    if len(dated) == 1 and dated[0][0] >= len(lines) - 2 and _DATE_LABEL.match(
            lines[dated[0][0]]):
        _record_date_line(dated[0][1], header)


def _drop_contents(lines: list[str], header: _Header) -> list[str]:
    """A table of contents: a 'Contents' label and the section titles repeated below it."""
    for index, line in enumerate(lines[:40]):
        if not _CONTENTS.match(line):
            continue
        last_seen = {_SQUASH.sub("", text).lower(): position
                     for position, text in enumerate(lines)}
        end = index + 1
        while end < len(lines) and len(lines[end].split()) <= 14 and last_seen.get(
                _SQUASH.sub("", _NUMBERING.sub("", lines[end])).lower(), -1) > end:
            end += 1
        if end - index >= 3:
            header.dropped.extend(lines[index:end])
            return lines[:index] + lines[end:]
    return lines


def _drop_boxes(lines: list[str], header: _Header) -> list[str]:
    """Sponsor boxes, AI-summary boxes and 'Credit:' photo captions inside the article."""
    if not any(_CREDIT_LABEL.match(line) or _BOX_PRECHECK.match(line) for line in lines):
        return lines
    kept: list[str] = []
    index = 0
    while index < len(lines):
        if end := _box_end(lines, index):
            header.dropped.extend(lines[index:end])
            index = end
            continue
        if _CREDIT_LABEL.match(lines[index]):
            # the caption above the label and the credit holder below it
            if kept and len(kept[-1].split()) <= 30:
                header.dropped.append(kept.pop())
            header.dropped.append(lines[index])
            if index + 1 < len(lines) and len(lines[index + 1].split()) <= 6:
                index += 1
                header.dropped.append(lines[index])
        else:
            kept.append(lines[index])
        index += 1
    return kept


def _box_end(lines: list[str], index: int) -> int:
    """Where the box opening at ``index`` ends (exclusive), or 0 when no box opens there."""
    for start, end, longest in _BLOCK_STARTS:
        if not start.match(lines[index]):
            continue
        for stop in range(index + 1, min(len(lines), index + longest)):
            if end.search(lines[stop]):
                # a summary box may go on with more tabs, up to the share buttons under it
                follow = next((after for after in range(stop + 1, min(len(lines), stop + 6))
                               if _is_boilerplate(lines[after])), stop + 1)
                return follow if follow - stop <= 5 else stop + 1
    return 0


def _read_closing_metadata(line: str, header: _Header, tz: ZoneInfo) -> bool:
    """A closing byline or bio, a 'first published on X' line or a date line: read it."""
    if match := _CLOSING_BYLINE.match(line) or _CLOSING_BIO.match(line):
        header.take_author(match.group("name"))
        header.take_publisher(match.group("publisher"))
        return True
    if _SOURCE_LINES.match(line):
        _read_publisher_hint(line, header)
        if found := find_date(line, tz):
            _record_date(found, header)
        return True
    if len(line) <= 120 and (found_line := read_date_line(line, tz)):
        _record_date_line(found_line, header)
        return True
    return False


def _end_of_article(lines: list[str], author: str | None) -> int:
    """Where the page below the article starts: a 'Most popular', 'Related articles', author
    card (the author's name again) or comments heading followed only by teasers, short lines
    and furniture; or the comments section."""
    for index in range(max(0, len(lines) - _TAIL_WINDOW), len(lines)):
        line = lines[index]
        if index >= 3 and _COMMENTS_MARKER.match(line):
            return _above_counts(lines, index)  # readers' comments: none of it is the article
        if (_END_MARKER.match(line) or line == author) and _only_page_furniture(lines[index + 1:]):
            return _above_counts(lines, index)
    return len(lines)


def _above_counts(lines: list[str], index: int) -> int:
    """Include the clap/like counts, share buttons and tag lines just above the marker
    ('1.2K', '23', 'Machine Learning', 'Share'): up to the topmost count or share line."""
    cut = index
    while index > 0 and (_is_count_or_share(lines[index - 1]) or _is_tag(lines[index - 1])):
        index -= 1
        if _is_count_or_share(lines[index]):
            cut = index
    return cut


def _is_tag(line: str) -> bool:
    return len(line.split()) <= 3 and not line.endswith((".", "!", "?", ":", '"', "”"))


def _only_page_furniture(lines: list[str]) -> bool:
    """Teasers, names, tags and at most two short sentences (a bio, a newsletter pitch)."""
    sentences = 0
    for line in lines:
        if _is_boilerplate(line):
            continue
        words = len(line.split())
        if words > 25 or len(line) > 200:
            return False
        sentences += line.endswith((".", "!"))
        if sentences > 2:
            return False
    return True


def _is_count_or_share(line: str) -> bool:
    """'142', '1.2K', 'Share' left above the comments box."""
    return bool(_HEADER_META.match(line)) or _is_boilerplate(line)


def _read_publisher_hint(line: str, header: _Header) -> None:
    for pattern in _PUBLISHER_HINTS:
        if match := pattern.search(line):
            name = match.group("publisher")
            if header.author is None or name.strip(" .,") != header.author:
                # "© 2026 Dana Whitfield" under Dana Whitfield's post names no publisher
                header.take_publisher(name)
            return


def _read_dateline(line: str, header: _Header, tz: ZoneInfo) -> None:
    """'OSLO, Norway, Feb. 3, 2026 --' and 'SAN FRANCISCO, March 31 (Wire) -' open the body."""
    if match := _WIRE_DATELINE.match(line):
        header.take_publisher(match.group("publisher"))
    if header.date is None and (place := _DATELINE.match(line)):
        found = find_date(line[place.end():place.end() + 40], tz)
        if found and found.start == 0:
            header.date = found.value


def _drop_empty_labels(lines: list[str], header: _Header) -> list[str]:
    """Remove 'Sources', 'Topics' and similar labels that head nothing."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        is_label = line.rstrip(":").strip().lower() in _EMPTY_LABELS
        if is_label and (following is None or _looks_like_heading(following)):
            header.dropped.append(line)
            continue
        kept.append(line)
    return kept


def _drop_trailing_sections(lines: list[str], header: _Header) -> list[str]:
    """'More on these topics' or 'Most popular' followed only by short link lines, at the end."""
    for index in range(max(0, len(lines) - 12), len(lines)):
        if _TRAILING_SECTION.match(lines[index]) and all(
                len(line.split()) <= 10 and not line.endswith(".") for line in lines[index + 1:]):
            header.dropped.extend(lines[index:])
            return lines[:index]
    return lines


def _strip_citations(line: str) -> str:
    return _CITATIONS.sub("", line) if "[" in line else line


def _looks_like_heading(line: str) -> bool:
    """Short lines without closing punctuation read as headings ('What it means', 'Why?')."""
    words = line.split()
    if not line or len(line) > 100 or len(words) > 14 or _LIST_ITEM.match(line):
        return False
    if line.endswith(":"):
        return (len(words) <= 8 and not re.match(r"^[a-z]", line)
                and len(split_sentences(line)) == 1)
    if _TIMESTAMP.match(line) or _READ_TIME_LINK.search(line):
        return False  # "02:14 How inference..." (show notes), "Title (3 minute read)" (a link)
    core = line.rstrip("\"'”’)").rstrip()
    if not core or core[-1] in ".,;!…:" or not re.search(r"[^\W\d_]", line):
        return False
    if "://" in line or line.startswith(("@", "#", "—", "–", "-", "[", "(")):
        return False
    if " | " in line:
        return False  # a table row (cells were tab-separated) or a navigation bar
    return not re.match(r"^[a-z]", line) or bool(_DOMAIN_SECTION.match(line))


def _to_markdown(lines: list[str]) -> str:
    """Render body lines as Markdown blocks: headings, lists, FAQ questions, paragraphs."""
    blocks: list[str] = []
    in_faq = False
    list_items: list[str] = []

    def flush_list() -> None:
        if list_items:
            blocks.append("\n".join(list_items))
            list_items.clear()

    previous_short = False
    for index, line in enumerate(lines):
        has_next = index + 1 < len(lines)
        # Only the first of consecutive heading-like lines is a heading: the lines under it
        # are its items (a contact block, a list of links, bullets that lost their marks).
        first_short, previous_short = not previous_short, _looks_like_heading(line)
        item = _LIST_ITEM.match(line)
        if item:
            list_items.append("- " + escape_markdown(item.group("text")))
            continue
        flush_list()
        question = _QA_PREFIX.sub("", line)
        if (in_faq or _QA_PREFIX.match(line)) and line.endswith("?"):
            blocks.append("### " + escape_markdown(question))
        elif has_next and _looks_like_heading(line) and (first_short or _closes_run(line, lines[
                index + 1])) and not _introduces_quote(line, lines[index + 1]):
            in_faq = bool(_FAQ_HEADING.match(line))
            blocks.append("## " + escape_markdown(line.rstrip(":").rstrip()))
        else:
            blocks.append(escape_markdown(_ANSWER_PREFIX.sub("", line) if in_faq else line))
    flush_list()
    return "\n\n".join(blocks) + "\n"


def _introduces_quote(line: str, following: str) -> bool:
    """'And from the blog post:' above a quotation is a sentence of the text, not a heading."""
    return line.endswith(":") and following.startswith(('"', "“", "‘", "«", "'"))


def _closes_run(line: str, following: str) -> bool:
    """'Credits' after a list of links, above a paragraph: a one- to three-word section label."""
    return (len(line.split()) <= 3 and line[0].isupper() and not _is_name(line)
            and not _looks_like_heading(following))


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+=](?=\s|$)|[-=_*]{3,}\s*$|\d{1,9}(?=[.)](?:\s|$)))")


def escape_markdown(text: str) -> str:
    """Escape pasted text so Markdown renders it literally (emphasis, links, HTML, lists)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    match = _BLOCK_START.match(text)
    if match:
        token = match.group(1)
        text = token + "\\" + text[len(token):] if token[0].isdigit() else "\\" + text
    return text


def _summary(dek: str | None, paragraphs: list[str]) -> str:
    """One or two sentences: the dek when there is one, else the lead."""
    if dek:
        return shorten(dek, 400)
    lead = next((p for p in paragraphs if len(p.split()) >= 8 and not _LIST_ITEM.match(p)), "")
    sentences = split_sentences(lead)
    summary = " ".join(sentences[:2])
    if len(summary) > 320 and sentences:
        summary = sentences[0]
    return shorten(summary, 320)


def _title_from_lead(lead: str) -> str:
    """A short title from the first sentence: its main clause, or a cut at a word."""
    sentence = (split_sentences(lead) or [lead])[0].rstrip(".!")
    if len(sentence) <= MAX_TITLE_LENGTH:
        return sentence
    clause = re.split(r"[,;:—–]| - ", sentence)[0].strip()
    if len(clause.split()) >= 3 and len(clause) <= MAX_TITLE_LENGTH:
        return clause
    return shorten(sentence, MAX_TITLE_LENGTH)
