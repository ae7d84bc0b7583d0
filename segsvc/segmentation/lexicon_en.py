"""English vocabulary: imperative verbs and their task types, inflections, and function words.

The verb table is the heart of the English grammar: a clause starts where an imperative verb
starts, so the splitter asks "is the word after this ',' / 'and' / 'then' a base-form verb?". The
table is written as task type -> verbs (as in DESIGN section 2) and inverted once at import.
Inflected forms (-s, -ed, -ing) are generated so that "backs up" in a relative clause is known to
be *not* an imperative and "after downloading it" can be turned back into "download it".
"""

from __future__ import annotations

_VERBS_BY_TYPE: dict[str, str] = {
    "search": """search find look google bing lookup locate seek hunt research query retrieve fetch get
        discover browse explore show list""",
    "create": """write create make generate draft compose prepare build design draw sketch produce author
        outline brainstorm invent imagine paint code program develop implement scaffold jot add insert append
        suggest propose recommend come visualize plot chart document""",
    "analyze": """check inspect compare calculate compute verify validate evaluate assess review test measure
        count estimate examine audit debug diagnose monitor profile benchmark investigate study track
        detect identify determine scan proofread grade rate rank score forecast predict lint
        troubleshoot explain interpret analyze analyse quantify ensure confirm double-check weigh
        see figure triage prioritize classify cluster aggregate total""",
    "open": """open launch go visit navigate load access view display return""",
    "transform": """convert translate compress decompress resize sort extract edit crop rotate filter merge
        split combine unpack unzip untar gunzip encode decode encrypt decrypt transcribe paraphrase
        rewrite rephrase reword simplify shorten expand normalize reformat restructure transpose scale label
        relabel retag unlabel untag
        trim blur sharpen enhance adjust correct capitalize uppercase lowercase localize reorder
        rearrange group tabulate render minify beautify refactor annotate highlight caption subtitle
        transcode mix anonymize redact sanitize resample upscale downscale transliterate dedupe
        deduplicate flatten invert optimize clean format replace fix categorize
        mark unmark flag unflag cross tick strike""",
    "execute": """run install uninstall reinstall play pause resume stop click type press tap turn switch toggle
        mute unmute dim brighten restart reboot shut start join leave log sign record eject mount
        unmount deploy compile execute kill terminate enable disable activate deactivate connect
        disconnect pair lock unlock update upgrade refresh reload sync set increase decrease raise
        lower maximize minimize close quit exit skip shuffle repeat scroll zoom order buy purchase pay
        book reserve print take capture clear reset empty enter fill submit approve accept decline
        reject cancel apply use charge water feed subscribe unsubscribe follow unfollow like favorite
        star trigger invoke commit push rebase checkout dismiss silence answer hang speed slow
        rewind cast stream watch listen read present spin provision boot hibernate sleep reopen
        rerun retry kick wait do try keep let bump lift resolve merge close pull bring fire refund flash
        transfer deposit withdraw donate tip renew extend cook bake heat cool preheat vacuum drive walk
        stream queue enqueue pin unpin snap shoot film photograph reserve rent hire check-in dispatch
        ship deliver release rollback revert undo redo restore unblock ban kick reboot flush
        purge rotate seed migrate provision scale reindex rebuild recompile relaunch snooze hide unhide
        select choose pick highlight drop assign sell invest mirror screenshot stage partition unplug
        tether hail wash dry iron boil microwave brew simulate train tune ring charge plug
        unstar favourite unfavorite unfavourite dislike upvote downvote unlike unpair
        unplug arm disarm unlock relock sign countersign notarize renew top unsubscribe rsvp vote check-out
        checkout buzz honk beep vibrate mirror screencast airplay chromecast give grant revoke staple laminate
        fold unfold bind""",
    "summarize": """summarize summarise recap sum condense digest tldr brief""",
    "schedule": """remind schedule plan reschedule postpone defer snooze arrange wake""",
    "communicate": """send email e-mail mail message text sms call phone dial ring share notify post tweet
        publish reply respond forward say ask inform announce broadcast invite contact ping chat cc
        greet thank congratulate alert warn report comment mention dm whatsapp introduce request
        wish telephone videocall facetime skype escalate cc bcc tag acknowledge retweet repost reshare
        crosspost livestream""",
    "file": """save move copy delete remove rename download upload back backup archive store duplicate trash
        erase restore recover export import attach mkdir touch bookmark put place drag paste stash
        purge wipe shred overwrite organize organise tidy clone zip unarchive fork undelete declutter
        unbookmark sideload""",
}

#: lemma -> task type (a verb listed under two types keeps the first listed above).
VERB_TYPES: dict[str, str] = {}
for _type, _words in _VERBS_BY_TYPE.items():
    for _w in _words.split():
        VERB_TYPES.setdefault(_w, _type)
# Later, more specific readings win over the generic list above.
VERB_TYPES.update({"tell": "communicate", "put": "execute", "sum": "analyze", "arm": "execute",
                   "disarm": "execute", "rotate": "transform", "highlight": "transform",
                   "snooze": "schedule", "restore": "file", "purge": "file",
                   "close": "execute", "merge": "transform", "organize": "file", "format": "execute",
                   "archive": "file", "record": "execute", "share": "communicate", "publish": "communicate",
                   "start": "execute", "list": "search", "show": "search", "read": "open", "book": "execute",
                   "block": "execute", "organise": "file", "scan": "execute", "pick": "analyze",
                   "choose": "analyze", "select": "analyze", "shortlist": "analyze", "label": "transform"})

#: Phrasal verbs: (lemma, particle) -> task type. The particle becomes part of the verb.
PHRASAL_TYPES: dict[tuple[str, str], str] = {
    ("look", "up"): "search", ("look", "for"): "search", ("search", "for"): "search",
    ("find", "out"): "search", ("look", "into"): "analyze", ("check", "out"): "search",
    ("back", "up"): "file", ("clean", "up"): "file", ("zip", "up"): "transform",
    ("log", "in"): "execute", ("log", "into"): "execute", ("log", "out"): "execute", ("log", "off"): "execute",
    ("log", "on"): "execute", ("sign", "in"): "execute", ("sign", "into"): "execute", ("sign", "out"): "execute",
    ("sign", "up"): "execute", ("turn", "on"): "execute", ("turn", "off"): "execute", ("turn", "up"): "execute",
    ("turn", "down"): "execute", ("switch", "on"): "execute", ("switch", "off"): "execute",
    ("switch", "to"): "open", ("set", "up"): "execute", ("shut", "down"): "execute", ("shut", "off"): "execute",
    ("power", "on"): "execute", ("power", "off"): "execute", ("boot", "up"): "execute",
    ("pick", "up"): "execute", ("hang", "up"): "execute", ("print", "out"): "execute",
    ("fill", "out"): "execute", ("fill", "in"): "execute", ("check", "in"): "execute",
    ("go", "to"): "open", ("go", "back"): "open", ("bring", "up"): "open", ("pull", "up"): "open",
    ("fire", "up"): "open", ("write", "down"): "create", ("note", "down"): "create",
    ("jot", "down"): "create", ("come", "up"): "create", ("sum", "up"): "summarize",
    ("wrap", "up"): "summarize", ("wake", "up"): "schedule", ("follow", "up"): "communicate",
    ("reach", "out"): "communicate", ("speed", "up"): "execute", ("slow", "down"): "execute",
    ("top", "up"): "execute", ("spin", "up"): "execute", ("kick", "off"): "execute",
    ("figure", "out"): "analyze", ("add", "up"): "analyze", ("total", "up"): "analyze",
    ("read", "out"): "execute", ("read", "aloud"): "execute",
    ("let", "know"): "communicate", ("tidy", "up"): "file", ("free", "up"): "file",
    ("call", "back"): "communicate", ("text", "back"): "communicate", ("write", "back"): "communicate",
    ("scroll", "down"): "execute", ("scroll", "up"): "execute",
    ("fast", "forward"): "execute", ("double", "check"): "analyze", ("make", "sure"): "analyze",
    ("cross", "off"): "transform", ("cross", "out"): "transform", ("tick", "off"): "transform",
    ("check", "off"): "transform", ("strike", "through"): "transform", ("strike", "out"): "transform",
    ("plug", "in"): "execute", ("lock", "up"): "execute", ("carry", "out"): "execute", ("try", "out"): "execute",
    ("throw", "away"): "file", ("throw", "out"): "file", ("clear", "out"): "file", ("put", "away"): "file",
    ("write", "up"): "create", ("draw", "up"): "create", ("look", "over"): "analyze", ("go", "over"): "analyze",
    ("go", "through"): "analyze", ("read", "through"): "analyze", ("pick", "out"): "analyze",
    ("narrow", "down"): "analyze", ("sort", "out"): "transform", ("weed", "out"): "transform",
    ("hand", "in"): "execute", ("opt", "out"): "execute", ("opt", "in"): "execute",
}
for (_lemma, _particle), _type in PHRASAL_TYPES.items():
    VERB_TYPES.setdefault(_lemma, _type)
VERB_TYPES.update({"reach": "communicate", "free": "file", "double": "analyze", "fast": "execute",
                   "power": "execute", "throw": "file", "narrow": "analyze", "weed": "transform",
                   "opt": "execute", "hand": "execute", "carry": "execute"})
#: lemma -> particles it takes.
PARTICLES: dict[str, frozenset[str]] = {}
for (_lemma, _particle) in PHRASAL_TYPES:
    PARTICLES[_lemma] = PARTICLES.get(_lemma, frozenset()) | {_particle}

#: Verbs that are also common nouns or adjectives: after a plain "and" they start a clause only when
#: what follows looks like their object.
AMBIGUOUS = frozenset(
    ["book", "call", "text", "email", "mail", "message", "record", "list", "order", "file", "copy", "print",
     "post", "set", "play", "show", "watch", "check", "search", "share", "upload", "download", "update",
     "backup", "format", "note", "sort", "test", "run", "start", "stop", "plan", "map", "draft", "design",
     "review", "report", "export", "import", "scan", "screen", "pin", "tag", "label", "mark", "type", "fax",
     "tweet", "chat", "ping", "cut", "paste", "drop", "pause", "lock", "charge", "water", "filter", "trim",
     "crop", "merge", "split", "group", "pack", "zip", "store", "restore", "clean", "clear", "fix", "forward",
     "link", "bookmark", "like", "follow", "request", "answer", "reply", "comment", "visit", "view", "display",
     "count", "measure", "rate", "rank", "score", "benchmark", "profile", "audit", "access", "track",
     "monitor", "outline", "sketch", "present", "contact", "control", "release", "open", "close", "present",
     "clean", "free", "double", "fast", "power", "back", "block", "alarm", "calendar", "kick", "spin", "brief",
     "digest", "sum", "study", "place", "put", "trash", "star", "favorite", "touch", "read", "do", "try",
     "keep", "let", "lift", "bump", "slow", "wake", "come", "figure", "flag", "tick", "cross", "strike",
     "top", "vote", "mirror", "buzz", "beep", "favourite", "checkout", "sign", "pick", "hand", "throw",
     "carry", "weed", "narrow", "opt", "plug", "rsvp", "stream", "cast", "like", "dislike"]
)
#: Verbs that make a natural clause on their own ("... and print", "... and restart").
BARE_OK = frozenset(
    ["print", "restart", "reboot", "save", "exit", "quit", "close", "eject", "play", "pause", "stop", "start",
     "continue", "submit", "send", "publish", "sync", "refresh", "reload", "update", "upgrade", "install",
     "run", "undo", "retry", "deploy", "commit", "push", "pull", "translate", "summarize", "share", "delete",
     "download", "upload", "compress", "unpack", "unzip"]
)
#: Verbs that take no object, so a clause without one is not elliptical.
INTRANSITIVE = frozenset(
    ["go", "log", "sign", "wait", "sleep", "navigate", "return", "come", "listen", "look", "scroll", "zoom",
     "pause", "resume", "stop", "continue", "restart", "reboot", "quit", "exit", "hang", "wake", "speed",
     "slow", "boot", "hibernate", "join", "leave", "subscribe", "unsubscribe", "respond", "reply", "reach",
     "try", "connect", "disconnect", "opt"]
)
#: Verbs whose complement ("that ...", "to ...", "whether ...") is reported content, never split.
REPORTING = frozenset(
    ["tell", "say", "ask", "inform", "notify", "remind", "message", "text", "email", "mail", "write", "warn",
     "explain", "mention", "let", "announce", "post", "tweet", "reply", "respond", "answer", "ping", "alert",
     "call", "promise", "suggest", "request"]
)
#: Verbs whose "if/whether/that" complement is a condition to check; an imperative after "and" splits.
CHECKING = frozenset(["check", "verify", "ensure", "confirm", "test", "see", "make", "find", "figure",
                      "determine"])

_DOUBLING = frozenset(["submit", "commit", "forget", "begin", "admit", "permit", "unzip", "refer", "prefer",
                       "control", "patrol", "compel", "format", "unpin"])
_VOWELS = "aeiou"


def _inflections(lemma: str) -> tuple[list[str], list[str], list[str]]:
    """(-s forms, -ed forms, -ing forms) of ``lemma``; over-generation is harmless (lookup keys)."""
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        third = [lemma + "es"]
    elif lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in _VOWELS:
        third = [lemma[:-1] + "ies"]
    else:
        third = [lemma + "s"]
    if lemma.endswith("ie"):
        ing = [lemma[:-2] + "ying"]
        past = [lemma + "d"]
    elif lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        ing = [lemma[:-1] + "ing"]
        past = [lemma + "d"]
    elif lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in _VOWELS:
        ing = [lemma + "ing"]
        past = [lemma[:-1] + "ied"]
    else:
        ing = [lemma + "ing"]
        past = [lemma + "ed"]
    last3 = lemma[-3:]
    if (
        len(last3) == 3
        and last3[0] not in _VOWELS
        and last3[1] in _VOWELS
        and last3[2] not in _VOWELS + "wxy"
        and (len(lemma) <= 4 or lemma in _DOUBLING)
    ):
        ing.append(lemma + lemma[-1] + "ing")
        past.append(lemma + lemma[-1] + "ed")
    return third, past, ing


#: inflected form -> lemma, one table per form, built once.
THIRD_PERSON: dict[str, str] = {}
PAST: dict[str, str] = {}
GERUND: dict[str, str] = {}
for _lemma in VERB_TYPES:
    _third, _past, _ing = _inflections(_lemma)
    for _f in _third:
        THIRD_PERSON.setdefault(_f, _lemma)
    for _f in _past:
        PAST.setdefault(_f, _lemma)
    for _f in _ing:
        GERUND.setdefault(_f, _lemma)
PAST.update({"sent": "send", "made": "make", "wrote": "write", "written": "write", "found": "find",
             "ran": "run", "set": "set", "put": "put", "got": "get", "took": "take", "taken": "take",
             "built": "build", "bought": "buy", "read": "read", "told": "tell", "said": "say",
             "shut": "shut", "cut": "cut", "drew": "draw", "drawn": "draw", "left": "leave",
             "kept": "keep", "paid": "pay", "went": "go", "gone": "go", "done": "do", "did": "do",
             "shown": "show", "chosen": "choose", "brought": "bring", "begun": "begin", "spun": "spin"})
for _k in ("set", "put", "cut", "shut", "read"):
    PAST.pop(_k, None)  # identical to the base form: never treat them as past

DETERMINERS = frozenset(
    ["the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "this", "that", "these", "those",
     "some", "any", "all", "every", "each", "no", "both", "either", "another", "other", "several", "few",
     "many", "much", "more", "most", "last", "next", "first", "second", "third"]
)
OBJECT_PRONOUNS = frozenset(["it", "them", "me", "him", "her", "us", "you", "this", "that", "these", "those",
                             "everything", "everyone", "all", "something", "someone", "anything", "one"])
PREPOSITIONS = frozenset(
    ["to", "into", "in", "on", "at", "for", "from", "with", "by", "via", "as", "about", "near", "over",
     "under", "onto", "through", "across", "between", "within", "without", "after", "before", "during",
     "until", "till", "per", "of", "off", "up", "down", "out", "around", "behind"]
)
#: Words that start an object noun phrase; their presence after an ambiguous verb confirms the verb.
OBJECT_STARTERS = DETERMINERS | OBJECT_PRONOUNS | frozenset({"up", "out", "down", "off", "on", "in",
                                                             "to", "for", "about", "back", "over", "two",
                                                             "three", "four", "five", "six", "ten", "a",
                                                             "some", "any"})
#: Words that may sit between a connector and the verb without changing anything.
ADVERBS = frozenset(["please", "also", "just", "quickly", "immediately", "now", "then", "kindly", "simply",
                     "carefully", "right", "directly", "automatically"])
#: Sequencing words that make the next clause depend on the previous one.
SEQUENCERS = frozenset({"then", "next", "finally", "lastly", "afterwards", "afterward", "subsequently",
                        "later", "thereafter", "eventually"})
#: Ordinals that open a sequence ("First ..., second ...").
ORDINAL_OPENERS = frozenset({"first", "firstly", "second", "secondly", "third", "thirdly", "fourth",
                             "initially", "start", "begin"})
#: Subordinators that open a condition clause; "when/once ... you X" may instead name a prior action.
CONDITIONS = frozenset({"if", "when", "whenever", "once", "unless", "while", "until", "in", "as"})
#: Relative pronouns: "a script that backs up ..." keeps its "and" inside.
RELATIVES = frozenset({"that", "which", "who", "whom", "whose", "where"})
#: Verbs that, after "when/once you", describe the user's situation rather than a prior task.
SITUATION_VERBS = frozenset({"get", "come", "arrive", "leave", "are", "be", "have", "go", "wake",
                             "return", "sleep", "wait", "see"})
URGENT = frozenset({"now", "immediately", "asap", "urgently", "urgent", "instantly", "quickly"})
RELAXED = frozenset({"later", "eventually", "sometime", "whenever"})
#: Words that name output of a previous step: "the summary", "the results", "the output".
RESULT_NOUNS = frozenset({"result", "results", "summary", "output", "outputs", "translation",
                          "recording", "findings", "answer", "response", "transcript", "report", "list",
                          "dump", "draft", "screenshot", "download", "downloads", "archive", "copy",
                          "backup", "file", "files", "document", "photo", "photos", "image", "images",
                          "video", "pdf", "link", "data", "chart", "graph", "table", "code", "script",
                          "email", "message", "note", "notes", "memo", "story", "text", "picture",
                          "statement", "invoice", "page", "article", "recipe", "playlist", "one", "ones",
                          "deck", "batch", "bundle", "collection", "set", "album", "slideshow", "quiz"})
#: Verbs whose clause produces an artifact ("download X", "record a memo").
PRODUCERS = frozenset({"download", "record", "create", "write", "generate", "draft", "compose", "make",
                       "export", "scan", "take", "capture", "compress", "convert", "translate",
                       "summarize", "summarise", "search", "find", "look", "build", "prepare",
                       "produce", "fetch", "get", "list", "compile", "zip", "archive", "render",
                       "extract", "calculate", "compute", "analyze", "analyse", "transcribe", "copy",
                       "back", "backup", "save", "sum", "design", "draw", "collect", "gather", "upload",
                       "publish", "share", "post"})
#: Ordinal/superlative heads that refer back to a list: "the closest one", "the top two".
SELECTORS = frozenset({"top", "first", "last", "best", "closest", "nearest", "cheapest", "latest",
                       "newest", "oldest", "biggest", "largest", "smallest", "highest", "lowest",
                       "fastest", "shortest", "second", "third", "most", "least", "earliest", "same"})
NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                          "ones", "both", "all"})
LANGUAGE_NAMES = frozenset({"english", "turkish", "german", "french", "spanish", "italian", "arabic",
                            "russian", "chinese", "japanese", "korean", "portuguese", "dutch", "greek",
                            "persian", "hindi", "polish", "swedish", "ukrainian", "kurdish"})
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                      "weekday", "weekdays", "weekend", "weekends", "morning", "evening", "night",
                      "day", "week", "month", "year", "hour", "minute", "mornings", "evenings",
                      "nights", "days", "weeks", "months", "hours", "minutes", "afternoon", "quarter"})
RECURRENCE = frozenset({"every", "each", "daily", "weekly", "monthly", "hourly", "yearly", "annually",
                        "nightly", "everyday"})
TIME_WORDS = frozenset({"today", "tomorrow", "tonight", "yesterday", "noon", "midnight", "now", "later",
                        "soon", "morning", "evening", "afternoon", "night"}) | WEEKDAYS
SCHEDULE_OBJECTS = frozenset({"alarm", "alarms", "timer", "timers", "reminder", "reminders", "meeting",
                              "meetings", "appointment", "appointments", "event", "events", "calendar",
                              "call", "wake-up", "countdown"})
