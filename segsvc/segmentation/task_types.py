"""Task types: the main verb decides, a few object cues refine it.

The verb tables (``lexicon_en.VERB_TYPES``, ``lexicon_tr.STEM_TYPES`` and compounds) give the default.
Cues that the verb alone cannot see:

* a recurring schedule ("every Friday at 5 pm ...", "back it up daily", "her cuma ...") makes the whole
  clause a ``schedule`` - the action is what gets scheduled; "daily" / "günlük" before a noun ("the
  average daily volume", "günlük rapor") only describes it;
* setting / adding / creating an alarm, timer, reminder, meeting or calendar event is ``schedule``;
* "tell me / show me / give me" asks for information (``search``); "tell <someone>" is ``communicate``;
* "format" a disk is ``execute``, "format" a text is ``transform``;
* "open" / "aç" a door, a light, the sound or Wi-Fi is a device action (``execute``) - but only when the
  device heads the object: "a private window", "gizli bir pencere", "modem ayarlarını" and the camera
  application are opened (``open``);
* adding something into a thing that exists ("add ten songs to it", "add it to the expenses sheet", "attach it
  to the ticket", "grafiği sunuma ekle", "içine ... ekle") files it there: ``file`` - the one type annotators
  accept for all of them; adding to a shopping cart, a contact list, a group or a queue ("sepete ekle",
  "add Ali to the channel") is a service action (``execute``), and to a calendar ``schedule``;
* marking items ("cross off bread", "flag every transaction over $500", "harcamaları işaretle", "vurgula") edits
  what they are in: ``transform`` (the verb tables say so);
* lowering or raising a fixture of the home or the car ("perdeleri indir", "panjurları kaldır", "camı indir")
  is a device action (``execute``), not a download or a deletion;
* compiling a document ("compile a list of overdue books") makes it (``create``); compiling code runs a build;
* "ara" with professionals in the plural ("bölgedeki tesisatçıları ara") looks for them (``search``);
* picking and choosing ("pick the earliest one", "seç") is ``analyze``, except user-interface selection
  ("select all", "tüm metni seç");
* showing something as a chart ("show it in a bar chart", "grafikte göster") makes the chart: ``create``;
* scanning a document ("scan the receipt", "fişi tara") is ``execute``, scanning for threats ``analyze``;
* a light verb takes its task from its noun ("hız testi yap", "ödemeyi yap", "güncellemesini yap");
* "ara" a person ("Ali'yi ara", "annemi ara", "dişçiyi ara") is a phone call (``communicate``).

A clause without a recognised verb gets a best guess from its words and a low confidence.
"""

from __future__ import annotations

from .clause import Clause
from .lexicon_en import RECURRENCE as EN_RECURRENCE
from .lexicon_en import SCHEDULE_OBJECTS as EN_SCHEDULE_OBJECTS
from .lexicon_en import VERB_TYPES, WEEKDAYS
from .lexicon_tr import COMPOUNDS, DEVICE_OBJECTS, DEVICE_STEMS, STEM_TYPES
from .lexicon_tr import SCHEDULE_OBJECTS as TR_SCHEDULE_OBJECTS
from .morphology_tr import noun_forms
from .protect import DOMAIN, URL, WORD, Token

_EN_SCHEDULING_VERBS = frozenset({"set", "create", "add", "make", "schedule", "book", "put", "start", "plan",
                                  "arrange", "organize", "organise", "block", "set up"})
_EN_ASKING = frozenset({"tell", "show", "give", "find", "get"})
#: What "give me / tell me" asks for when it wants a summary.
_EN_SUMMARY_NOUNS = frozenset({"gist", "summary", "rundown", "overview", "recap", "tldr", "tl;dr", "highlights",
                               "synopsis", "digest", "outline", "essentials", "short", "brief", "lowdown"})
_DISK_WORDS = frozenset({"disk", "drive", "card", "usb", "partition", "sd", "volume", "stick", "disc",
                         "ssd", "hdd", "flash"})
_TR_SCHEDULING_VERBS = frozenset({"kur", "ayarla", "oluştur", "ekle", "planla", "yap", "al", "koy", "başlat"})
_TR_RECURRING_HEADS = frozenset({"gün", "sabah", "akşam", "gece", "öğlen", "hafta", "ay", "yıl", "saat",
                                 "pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar",
                                 "dakika", "haftasonu", "hafta sonu", "iş"})
_TR_RECURRING_ADJECTIVES = frozenset({"günlük", "haftalık", "aylık", "yıllık", "saatlik"})
_TR_RECURRING_WORDS = frozenset({"günlük", "haftalık", "aylık", "yıllık", "saatlik", "hergün",
                                 "haftaiçi", "pazartesileri", "salıları", "çarşambaları", "perşembeleri",
                                 "cumaları", "cumartesileri", "pazarları", "sabahları", "akşamları",
                                 "geceleri"})
_TR_PERSONS = frozenset({"annemi", "babamı", "eşimi", "kardeşimi", "ablamı", "abimi", "patronumu", "müdürü",
                         "doktoru", "doktorumu", "oğlumu", "kızımı", "arkadaşımı", "dedemi", "ninemi",
                         "teyzemi", "amcamı", "dayımı", "halamı", "ofisi", "restoranı", "müşteriyi",
                         "yöneticimi", "yöneticiyi", "ekibi", "taksiyi", "taksi"})
#: People one calls ("dişçiyi ara", "avukatımı ara"): "ara" with one of them as its object is a phone call.
_TR_PERSON_STEMS = ("anne", "baba", "eşimi", "kardeş", "abla", "abi", "ağabey", "patron", "müdür", "doktor", "dişçi",
                    "avukat", "muhasebeci", "tesisatçı", "elektrikçi", "çilingir", "veteriner", "kuaför", "berber",
                    "öğretmen", "hemşire", "emlakçı", "komşu", "sahibi", "sahibin", "kiracı", "şoför", "teknisyen",
                    "tamirci", "usta", "müşteri", "yönetici", "arkadaş", "dede", "nine", "teyze", "amca", "dayı",
                    "hala", "oğlu", "kızı", "kuzen", "sevgili", "nişanlı", "eşi", "asistan", "sekreter", "hoca")
_TR_ACC_VOWELS = ("ı", "i", "u", "ü")
_QUESTION_WORDS = frozenset({"what", "how", "where", "who", "when", "why", "which", "ne", "nasıl", "nerede",
                             "kim", "neden", "hangi", "nedir", "kaç"})


_EN_ADJECTIVE_SLOT = frozenset({"the", "a", "an", "my", "our", "your", "their", "his", "her", "its", "this",
                                "that", "these", "those", "of"})
_EN_DEVICES = frozenset({"door", "doors", "window", "windows", "garage", "gate", "curtains", "blinds", "valve",
                         "shutters", "lock", "tap", "shades", "drapes"})
#: Fixtures one draws (closes) rather than draws a picture of: "draw the curtains".
_EN_DRAWN = frozenset({"curtains", "curtain", "blinds", "drapes", "shades"})
#: Verbs that put something into a thing that exists when they have a "to/into/onto" target.
_EN_ADDING = frozenset({"add", "insert", "append"})
#: Targets one adds to as a service action, not as filing something into a document or a collection.
_EN_ACTION_TARGETS = frozenset({"cart", "basket", "trolley", "bag", "wishlist", "watchlist", "favorites",
                                "favourites", "contacts", "contact", "phonebook", "queue", "channel", "group",
                                "team", "chat", "allowlist", "whitelist", "blocklist", "blacklist"})
#: What one compiles as a document ("compile a list") rather than as a build ("compile the project").
_EN_COMPILED_DOCS = frozenset({"list", "lists", "report", "reports", "summary", "overview", "dossier", "digest",
                               "playlist", "collection", "bibliography", "roundup", "timeline", "table",
                               "spreadsheet", "inventory", "portfolio", "checklist", "shortlist", "notes",
                               "guide", "newsletter", "glossary", "anthology", "compilation", "index"})
#: Words that may follow "daily" / "weekly" used as an adverb ("back it up daily at 2 am").
_EN_AFTER_ADVERB = frozenset({"at", "on", "in", "from", "to", "until", "till", "by", "and", "or", "with", "via",
                              "for", "starting", "before", "after", "around", "then", "basis"})
#: Software windows, as opposed to the windows of a house ("open a private window").
_EN_SOFTWARE_WINDOW = frozenset({"private", "incognito", "new", "browser", "terminal", "another", "separate",
                                 "second", "chrome", "firefox", "safari", "edge", "app", "command", "shell",
                                 "finder", "explorer", "inprivate", "popup", "pop-up", "chat", "a"})
#: Objects that make "scan" an inspection rather than scanning a document.
_EN_SCAN_CHECKS = frozenset({"virus", "viruses", "malware", "network", "networks", "port", "ports", "system",
                             "computer", "laptop", "disk", "drive", "logs", "log", "repo", "repository",
                             "threats", "vulnerabilities", "dependencies", "server", "servers", "wifi", "wi-fi",
                             "for", "devices", "spyware", "website", "site"})
#: Objects a person selects in a user interface ("select all", "pick the text"): an action, not a choice.
_EN_UI_SELECTION = frozenset({"all", "everything", "text", "line", "lines", "row", "rows", "cell", "cells",
                              "column", "columns", "word", "words", "paragraph", "checkbox", "tab", "tabs",
                              "option", "layer", "layers", "none"})
#: Visual forms: "show it in a chart" produces a chart.
_EN_CHARTS = frozenset({"chart", "charts", "graph", "graphs", "plot", "diagram", "histogram", "visualization",
                        "visualisation", "dashboard", "infographic", "heatmap", "heat", "pie", "bar", "timeline"})
#: What one confirms by acting on it (a booking) rather than by checking it.
_EN_CONFIRMABLE = frozenset({"booking", "reservation", "order", "appointment", "payment", "attendance",
                             "invitation", "invite", "transaction", "purchase", "subscription", "delivery",
                             "rsvp", "request", "registration", "account", "email", "meeting", "slot", "transfer"})
#: Time words that make "block" reserve time ("block two hours on Friday").
_EN_BLOCK_TIME = frozenset({"time", "slot", "hour", "hours", "minutes", "afternoon", "morning", "evening", "day",
                            "calendar", "off", "out", "focus"})
_CREDENTIALS = frozenset({"key", "keys", "credential", "credentials", "secret", "secrets", "password",
                          "passwords", "token", "tokens", "certificate", "certificates", "certs", "logs"})


def _en_recurring(tokens: list[Token], start: int, end: int) -> bool:
    for k in range(start, end):
        low = tokens[k].low
        if low not in _EN_RECURRENCE_CUES:
            continue
        if low in EN_RECURRENCE and low not in ("every", "each"):
            # "the daily standup", "a monthly payment": an adjective, not a schedule
            if k > start and (tokens[k - 1].low in _EN_ADJECTIVE_SLOT or tokens[k].text[:1].isupper()):
                continue  # ... or part of a name: "my Discover Weekly playlist"
            if k + 1 < end and tokens[k + 1].kind == WORD and tokens[k + 1].low not in _EN_AFTER_ADVERB:
                continue  # "the average daily volume", "run weekly reports": it qualifies a noun
            return True
        if low in ("every", "each") and k + 1 < end:
            nxt = tokens[k + 1].low
            if nxt in WEEKDAYS or nxt.isdigit() or nxt in ("other", "single", "two", "few"):
                return True
        if low == "on" and _en_after_relative(tokens, start, k):
            continue  # "a vet that is open on Sundays": the days describe the vet, they schedule nothing
        if low == "on" and k + 1 < end and tokens[k + 1].low in ("weekdays", "weekends", "mondays", "tuesdays",
                                                                "wednesdays", "thursdays", "fridays",
                                                                "saturdays", "sundays"):
            return True
    return False


_EN_RECURRENCE_CUES = EN_RECURRENCE | {"on"}
_EN_RELATIVES = frozenset({"that", "which", "who", "whose", "where"})


def _en_after_relative(tokens: list[Token], start: int, k: int) -> bool:
    """Is position ``k`` inside a relative clause ("... that is open on Sundays")?"""
    return any(tokens[m].low in _EN_RELATIVES for m in range(start + 1, k))


#: Verbs with an object cue below; any other verb's type is its lexicon type.
_EN_CUE_HEADS = _EN_SCHEDULING_VERBS | _EN_ASKING | frozenset(
    {"let", "add", "block", "scan", "pick", "choose", "select", "show", "display", "present", "confirm", "start",
     "check", "rotate", "open", "format", "make", "take", "insert", "append", "draw", "compile"})


def english_type(c: Clause, tokens: list[Token]) -> str:
    """Task type of an English clause."""
    start, end = c.start, c.end
    if _en_recurring(tokens, start, end):
        return "schedule"
    verb = c.verb
    vtype = c.verb_type
    if not verb or vtype is None:
        return guess_type(tokens, start, end)
    head = verb.split(" ")[0]
    if head not in _EN_CUE_HEADS:
        return vtype  # most verbs: no object cue can change their type
    after = c.verb_pos + (2 if " " in verb else 1)
    window = [tokens[k].low for k in range(after, min(end, after + 5))]
    if (verb in _EN_SCHEDULING_VERBS or head in _EN_SCHEDULING_VERBS) and (
        any(w in EN_SCHEDULE_OBJECTS for w in window)
        or (head == "add" and any(tokens[k].low in ("calendar", "schedule", "agenda") for k in range(after, end)))
    ):
        return "schedule"
    if head in _EN_ASKING and window and window[0] in ("me", "us"):
        # "give me the gist of ...", "tell me the highlights": a summary asked for
        return "summarize" if any(w in _EN_SUMMARY_NOUNS for w in window[1:4]) else "search"
    if head == "let" and any(tokens[k].low == "know" for k in range(after, end)):
        return "communicate"
    if head in _EN_ADDING and vtype == "create":
        for k in range(after, end):
            if tokens[k].low in ("to", "into", "onto") and k + 1 < end:
                # "add ten songs to it", "add it to the expenses sheet": filed into something that exists;
                # "add it to my cart", "add Ali to the channel": a service action
                target = {tokens[m].low for m in range(k + 1, end)}
                return "execute" if target & _EN_ACTION_TARGETS else "file"
    if head == "block" and any(w in _EN_BLOCK_TIME or w in WEEKDAYS for w in window):
        return "schedule"  # "block two hours for focus time"
    if head == "scan" and " " not in verb:
        return "analyze" if any(w in _EN_SCAN_CHECKS for w in window) else "execute"
    if head in ("pick", "choose", "select") and " " not in verb and window and window[0] in _EN_UI_SELECTION:
        return "execute"  # "select all": a user-interface action
    if head in ("show", "display", "present") and any(tokens[k].low in _EN_CHARTS for k in range(after, end)):
        return "create"  # "show it in a chart": a visualisation is made
    if head == "confirm" and any(w in _EN_CONFIRMABLE for w in window[:3]):
        return "execute"
    if head == "start" and window and (window[0] in ("app", "application", "browser", "program")
                                       or (tokens[after].kind == WORD and tokens[after].text[:1].isupper()
                                           and not tokens[after].text.isupper())):
        return "open"  # "Start Spotify": launch an application
    if verb == "check out" and window and window[0] == "of":
        return "execute"  # "check out of the hotel"
    if head == "rotate" and any(w in _CREDENTIALS for w in window):
        return "execute"
    if head == "open":
        for n, w in enumerate(window):
            if w in _EN_DEVICES:
                if not any(m in _EN_SOFTWARE_WINDOW for m in window[:n]):
                    return "execute"  # "open the garage door": a device, not an application
                break  # "open a private window": a browser window is opened like an application
    if head == "format":
        return "execute" if any(tokens[k].low in _DISK_WORDS for k in range(after, end)) else "transform"
    if head == "make" and window and any(w in ("call", "phone", "video") for w in window[:3]):
        return "communicate"
    if head == "take" and any(w in ("notes", "note", "minutes") for w in window[:3]):
        return "create"
    if head == "draw" and " " not in verb and any(w in _EN_DRAWN for w in window[:3]):
        return "execute"  # "draw the curtains"
    if head == "compile" and any(w in _EN_COMPILED_DOCS for w in window):
        return "create"  # "compile a list of ...": a document is made, nothing is built
    return vtype


_TR_RECURRENCE_CUES = _TR_RECURRING_WORDS | _TR_RECURRING_ADJECTIVES | {"her"}
#: Verbs with an object cue below; any other verb's type is its lexicon type.
_TR_CUE_HEADS = _TR_SCHEDULING_VERBS | frozenset(
    {"aç", "ekle", "aktar", "seç", "göster", "tara", "başlat", "et", "yaz", "değiştir", "yap", "ver", "koy",
     "ara", "biçimlendir", "formatla", "anlat", "açıkla", "söyle", "bahset", "indir", "kaldır"})
#: Media one formats (a disk) as opposed to text or files one reformats.
_TR_DISK_STEMS = ("disk", "kart", "sürücü", "usb", "bellek", "bölüm", "flash", "ssd", "hdd")
#: "kısaca anlat", "özetle anlat": telling in brief is summarizing.
_TR_BRIEFLY = frozenset({"kısaca", "özetle", "özet", "kısaltarak", "özetleyerek", "özetçe"})


def turkish_type(c: Clause, tokens: list[Token]) -> str:
    """Task type of a Turkish clause."""
    start, end = c.start, c.end
    lows = [tokens[k].low for k in range(start, end)]
    n = len(lows)
    for k, low in enumerate(lows):
        if low not in _TR_RECURRENCE_CUES:
            continue
        # "günlük rapor", "aylık taksit" are adjectives; "günlük olarak", "her gün" schedule
        if low in _TR_RECURRING_ADJECTIVES and not (k + 1 < n and lows[k + 1] in ("olarak", "bazda")) \
                and not (k + 1 < n and tokens[start + k + 1].kind != WORD) and k + 1 < n:
            continue
        if low in _TR_RECURRING_WORDS or (
            low == "her" and k + 1 < len(lows) and (lows[k + 1] in _TR_RECURRING_HEADS or lows[k + 1].isdigit())
        ):
            return "schedule"
    verb = c.verb
    vtype = c.verb_type
    if not verb or vtype is None:
        return guess_type(tokens, start, end)
    head = verb.rsplit(" ", 1)[-1]
    if head not in _TR_CUE_HEADS:
        return vtype  # most verbs: no object cue can change their type
    before = lows[: max(0, c.verb_pos - start)]
    if head in _TR_SCHEDULING_VERBS and any(w in TR_SCHEDULE_OBJECTS for w in before):
        return "schedule"
    if head in ("biçimlendir", "formatla") and " " not in verb:
        return "execute" if any(w.startswith(_TR_DISK_STEMS) or w == "sd" for w in before) or not before \
            else "transform"  # "SD kartı biçimlendir" formats a disk; "dosyaları biçimlendir" reformats text
    if head in ("anlat", "açıkla", "söyle", "bahset") and any(w in _TR_BRIEFLY for w in before):
        return "summarize"  # "yönetmeliği kısaca anlat"
    if head == "aç" and " " not in verb and _tr_device(before):
        return "execute"
    if head == "ekle" and before:
        if any(w.startswith("takvim") for w in before):
            return "schedule"
        last = before[-1]
        if (last.endswith(("a", "e", "ya", "ye", "na", "ne")) and not last.endswith(("ı", "i")) and len(last) > 3) \
                or any(w in _TR_DATIVE_PRONOUNS or (len(w) > 4 and w.endswith(("ya", "ye", "na", "ne")))
                       for w in before):
            # "sunuma ekle", "içine on şarkı ekle", "tabloya bir satır ekle": filed into something that exists;
            # "sepete ekle", "gruba ekle": a service action
            return "execute" if any(w.startswith(_TR_ACTION_TARGETS) for w in before) else "file"
    if head in ("indir", "kaldır") and " " not in verb and _tr_fixture(before):
        return "execute"  # "perdeleri indir", "panjurları kaldır": lower or raise a fixture, not a file
    if head == "aktar" and " " not in verb and any(w in _TR_MONEY or w.startswith(_TR_MONEY_STEMS) for w in before):
        return "execute"  # "Mehmet'e 200 avro aktar": a money transfer
    if head == "seç" and " " not in verb:
        return "execute" if any(w in _TR_UI_SELECTION for w in before) else "analyze"
    if head == "göster" and any(w.startswith(_TR_CHARTS) or w in ("tabloda", "tablo") for w in before):
        return "create"  # "bunu bir grafikte göster": a visualisation is made
    if head == "tara" and " " not in verb:
        return "analyze" if any(w.startswith(_TR_SCAN_CHECKS) or w in ("karşı", "için") for w in before) \
            else "execute"  # "fişi tara" scans a document; "virüslere karşı tara" inspects
    if head == "başlat" and " " not in verb and vtype == "open" and any(
            w.startswith(_TR_STARTABLE) or w.endswith(("mayı", "meyi")) for w in before):
        return "execute"  # "kaydı başlat", "doldurmayı başlat": start an activity, not an application
    if verb == "takip et" and before and (_tr_named_object(tokens, start, c.verb_pos - 1)
                                          or any(w.startswith(_TR_ACCOUNTS) for w in before)):
        return "execute"  # "Ali'yi takip et", "kanalı takip et": follow an account
    if head == "yaz" and before:
        prev_tok = tokens[c.verb_pos - 1]
        if any(tokens[k].kind == WORD and tokens[k].text != tokens[k].core and tokens[k].text[:1].isupper()
               and tokens[k].core.isalpha()
               and tokens[k].trlow.endswith(("'a", "'e", "'ya", "'ye", "’a", "’e", "’ya", "’ye"))
               for k in range(start, c.verb_pos)) and prev_tok.trlow != "bir":
            return "communicate"  # "Ayşe'ye geç kalacağımı yaz": write to someone
    if head in ("değiştir", "yap", "ver", "koy") and any(w in ("adını", "ismini", "adı", "ismi") for w in before):
        return "file"  # rename
    if head == "yap" and vtype == "create" and (verb.split(" ")[0], head) not in COMPOUNDS and any(
            tokens[k].kind == WORD and tokens[k].trlow.endswith(("ı", "i", "u", "ü"))
            and not tokens[k].trlow.endswith(("sı", "si", "su", "sü")) and tokens[k].trlow != "bir"
            for k in range(start, c.verb_pos - 1)):
        return "execute"  # "Slack durumumu ... yap": make something be something, not create it
    if head == "yaz" and any(w.startswith(("bellek", "disk", "usb", "kart", "flash")) for w in before):
        return "file"
    if head == "ara" and before:
        obj = tokens[c.verb_pos - 1]
        if obj.trlow.startswith(_TR_SERVICE_STEMS) and obj.trlow.endswith(("ları", "leri")):
            return vtype  # "bölgedeki tesisatçıları ara": professionals in the plural are looked for
        if obj.low in _TR_PERSONS or (obj.trlow.startswith(_TR_PERSON_STEMS) and obj.trlow.endswith(_TR_ACC_VOWELS)
                                      and len(obj.trlow) > 3) \
                or (obj.kind == WORD and obj.text[:1].isupper() and obj.text != obj.core
                                      and obj.low.endswith(("'yi", "'yı", "'yu", "'yü", "'i", "'ı", "'u", "'ü",
                                                              "’yi", "’yı", "’i", "’ı"))):
            return "communicate"
    return vtype


_TR_DATIVE_PRONOUNS = frozenset({"içine", "ona", "buna", "şuna", "onlara", "bunlara", "oraya", "buraya",
                                 "üstüne", "üzerine", "sonuna", "başına", "altına"})
#: Dative targets that make "ekle" a service action: a cart, a contact list, a group, a queue.
_TR_ACTION_TARGETS = ("sepet", "rehber", "kişiler", "grub", "grup", "kanal", "ekib", "ekip", "sohbet", "favori",
                      "sıraya", "kuyruğ", "istek")
#: Fixtures of a home or a car that are lowered and raised ("perdeleri indir", "camı indir"): the stem,
#: its plural and its accusative or possessive forms (not "story", not "cami").
_TR_FIXTURE_STEMS = (("perde", ""), ("panjur", ""), ("stor", ""), ("jaluzi", ""), ("tente", ""), ("kepenk", "kepeng"),
                     ("güneşlik", "güneşliğ"), ("cam", ""), ("pencere", ""))
_TR_FIXTURES = frozenset({stem for stem, _ in _TR_FIXTURE_STEMS} | {
    form for stem, soft in _TR_FIXTURE_STEMS for form in noun_forms(stem, soft)
    if form.endswith(("ı", "i", "u", "ü", "lar", "ler"))})
#: Professionals one looks for in the plural ("tesisatçıları ara") but calls in the singular ("dişçiyi ara").
_TR_SERVICE_STEMS = ("dişçi", "avukat", "muhasebeci", "tesisatçı", "elektrikçi", "çilingir", "veteriner",
                     "kuaför", "berber", "emlakçı", "teknisyen", "tamirci", "usta", "doktor", "nakliyeci",
                     "boyacı", "marangoz", "bakıcı", "terzi", "fotoğrafçı")
_TR_MONEY = frozenset({"tl", "lira", "avro", "euro", "dolar", "sterlin", "para", "parayı", "$", "€", "₺"})
_TR_MONEY_STEMS = ("lira", "avro", "euro", "dolar", "sterlin", "tl'", "kuruş")
_TR_UI_SELECTION = frozenset({"tümünü", "hepsini", "tümü", "hepsi", "metni", "satırı", "satırları", "sütunu",
                              "sütunları", "hücreyi", "hücreleri", "kelimeyi", "kelimeleri", "paragrafı",
                              "sekmeyi", "katmanı", "tüm", "bütün"})
_TR_CHARTS = ("grafik", "grafiğ", "diyagram", "histogram", "çizelge", "pasta grafi", "görsel")
_TR_SCAN_CHECKS = ("virüs", "zararlı", "kötü amaçlı", "port", "güvenlik", "açık", "tehdit", "bilgisayar",
                   "disk", "sistem", "sunucu", "log", "günlük", "ağı", "ağda", "ağını", "ağımı", "ağdaki",
                   "cihaz", "casus", "hata")
_TR_STARTABLE = ("kayıt", "kayd", "yayın", "sayaç", "sayac", "kronometre", "oturum", "toplantı", "görüşme",
                 "arama", "tarama", "güncelleme", "yedekleme", "indirme", "yükleme", "işlem", "süreç",
                 "film", "video", "şarkı", "müzik", "çalma", "egzersiz", "antrenman", "geri sayım", "sunum",
                 "derleme", "dağıtım", "kurulum", "simülasyon", "eğitim", "oyun", "maç", "seans", "ders")
_TR_ACCOUNTS = ("hesab", "hesap", "kanal", "sayfa", "profil", "blog", "podcast")
_TR_POSSESSED = ("larını", "lerini", "sını", "sini", "sunu", "sünü", "ını", "ini", "unu", "ünü", "ları", "leri",
                 "sı", "si", "su", "sü")
_TR_WHERE = ("da", "de", "ta", "te", "dan", "den", "tan", "ten")
#: Modifiers that make the object a new thing opened in software ("gizli bir pencere aç").
_TR_NEW_THING = frozenset({"bir", "yeni", "gizli", "başka", "ikinci", "ayrı", "boş"})


def _tr_device(before: list[str]) -> bool:
    """Does "aç" act on a device ("ışıkları aç", "Bluetooth'u aç") rather than open something?

    The device must head the object: "modem ayarlarını aç" opens the settings, "gizli bir pencere aç"
    opens a browser window, and "kamerayı aç" opens the camera application.
    """
    n = len(before)
    for k, w in enumerate(before):
        if not (w in DEVICE_OBJECTS or w.startswith(DEVICE_STEMS)) or w.startswith("kamera"):
            continue
        if w.endswith(_TR_WHERE) and w not in DEVICE_OBJECTS:
            continue  # "Netflix'i televizyonda aç": the device is where, not what
        if k + 1 < n and before[k + 1].endswith(_TR_POSSESSED) and not (
                before[k + 1] in DEVICE_OBJECTS or before[k + 1].startswith(DEVICE_STEMS)):
            continue  # "modem ayarlarını": the device only qualifies the real object
        if k > 0 and before[k - 1] in _TR_NEW_THING:
            continue
        return True
    return False


def _tr_fixture(before: list[str]) -> bool:
    """Is the object a fixture ("salonun perdelerini", "arabanın camlarını") rather than something named
    after one ("perde kataloğunu": the catalogue heads the object)?"""
    for k, w in enumerate(before):
        if w in _TR_FIXTURES and not any(v.endswith(_TR_POSSESSED) and v not in _TR_FIXTURES
                                         for v in before[k + 1:]):
            return True
    return False


def _tr_named_object(tokens: list[Token], start: int, end: int) -> bool:
    """A proper name in the accusative before ``end`` ("Ali'yi", "NASA'yı")."""
    for k in range(start, end):
        t = tokens[k]
        if t.kind == WORD and t.text != t.core and (t.text[:1].isupper() or t.text[:1] == "@") \
                and t.trlow.endswith(_TR_ACC_SUFFIXES):
            return True
    return False


_TR_ACC_SUFFIXES = ("'yi", "'yı", "'yu", "'yü", "'i", "'ı", "'u", "'ü", "’yi", "’yı", "’yu", "’yü", "’i", "’ı",
                    "’u", "’ü")


def guess_type(tokens: list[Token], start: int, end: int) -> str:
    """Best guess for a clause without a known verb: any lexicon verb inside it, else by shape."""
    for k in range(start, end):
        t = tokens[k]
        if t.kind in (URL, DOMAIN):
            return "open"
        low = t.low
        if low in _QUESTION_WORDS or t.text == "?":
            return "search"
        vtype = VERB_TYPES.get(low) or STEM_TYPES.get(low)
        if vtype is not None:
            return vtype
    return "execute"
