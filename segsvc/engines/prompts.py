"""The prompt of the LLM segmentation engine, in English and Turkish.

It states the contract of the answer (DESIGN §7: one JSON object with ``language`` and ``segments`` of
``content``, ``task_type``, ``parameters``, ``depends_on``), the task-type vocabulary of DESIGN §2, the
splitting rules of DESIGN §3 in brief, and a few worked examples as earlier turns of the conversation
(models follow demonstrated answers more faithfully than described ones). The prompt is chosen by the
command's language, so a Turkish command is explained in Turkish.
"""

from __future__ import annotations

import json
from typing import Any

ANSWER_SHAPE = ('{"language": "en" | "tr", "segments": [{"content": str, "task_type": str, '
                '"parameters": {name: value}, "depends_on": [0-based index, ...]}]}')

SYSTEM_EN = f"""You split a user's command into the ordered tasks of an ALT document for the ALT_LAS system.
Answer with exactly one JSON object and nothing else, of this shape:
{ANSWER_SHAPE}

Rules:
- One segment per action. "content" is the action as the user wrote it, without sequencing words
  (then, after that, finally, first).
- Never split inside quotes, URLs, e-mail addresses, paths or file names. An "and" that joins nouns, or sits
  inside a relative clause or reported content, does not split.
- "task_type" is exactly one of:
  search (find, look up), create (write, make, generate, draft), analyze (check, inspect, compare,
  calculate, verify), open (open, launch, go to, visit), transform (convert, translate, compress, resize,
  sort, extract, edit), execute (run, install, play, click, type, turn on/off), summarize (summarize),
  schedule (remind, schedule, set an alarm or timer, wake me), communicate (send, email, message, share,
  notify, post), file (save, move, copy, delete, rename, download, upload, back up).
- "parameters" maps short names (url, email, path, file, query, recipient, time, target, topic, format,
  language, destination) to values taken from the command; put first the one the task cannot run without.
- "depends_on" lists the indices of segments that must finish first. A sequencing word (then, after that,
  finally) or a reference to an earlier result (it, them, the results, the summary) makes a dependency.
  "After you X, Y" and "before Y, X" mean X runs first, whatever the word order.
- "language" is the language of the command: "en" or "tr".
The mode ({{mode}}) and persona ({{persona}}) are for the runner; they never change how you split."""

SYSTEM_TR = f"""Kullanıcının komutunu ALT_LAS sistemi için bir ALT belgesinin sıralı görevlerine ayırırsın.
Yalnızca bu biçimde tek bir JSON nesnesiyle yanıt ver, başka hiçbir şey yazma:
{ANSWER_SHAPE}

Kurallar:
- Her eylem için bir segment. "content" eylemin kullanıcının yazdığı hâlidir; sıralama sözcükleri
  (sonra, ardından, son olarak, önce) içinde yer almaz.
- Tırnak, URL, e-posta adresi, yol ya da dosya adı içinde asla bölme. İsimleri bağlayan "ve" ya da bir yan
  cümle veya aktarılan söz içindeki bağlaç bölmez.
- "task_type" tam olarak şunlardan biridir:
  search (ara, bul, araştır), create (oluştur, yaz, hazırla), analyze (kontrol et, analiz et,
  karşılaştır, hesapla), open (aç, başlat, git), transform (çevir, dönüştür, sıkıştır, sırala),
  execute (çalıştır, kur, oynat, kapat), summarize (özetle), schedule (hatırlat, planla, alarm kur),
  communicate (gönder, paylaş, bildir), file (kaydet, taşı, kopyala, sil, indir, yükle, yedekle).
- "parameters" kısa adları (url, email, path, file, query, recipient, time, target, topic, format, language,
  destination) komuttan alınan değerlere eşler; görevin onsuz yapılamayacağı parametreyi başa koy.
- "depends_on", önce bitmesi gereken segmentlerin sıra numaralarıdır (0'dan başlar). Sıralama sözcükleri
  (sonra, ardından, son olarak, "-dikten sonra", "-ip") ya da önceki bir sonuca gönderme (onu, onları,
  özeti, sonuçları) bağımlılık kurar. "X'den sonra Y" ve "Y'den önce X" önce X'in çalışacağı demektir.
- "language" komutun dilidir: "en" ya da "tr".
Mod ({{mode}}) ve persona ({{persona}}) çalıştırıcı içindir; bölme biçimini asla değiştirmez."""

SYSTEMS = {"en": SYSTEM_EN, "tr": SYSTEM_TR}

EXAMPLES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "en": [
        ("Search for cheap laptops, then compare the top two",
         {"language": "en", "segments": [
             {"content": "Search for cheap laptops", "task_type": "search",
              "parameters": {"query": "cheap laptops"}, "depends_on": []},
             {"content": "compare the top two", "task_type": "analyze",
              "parameters": {"target": "the top two"}, "depends_on": [0]}]}),
        ("After you download report.pdf, email it to anna@example.com",
         {"language": "en", "segments": [
             {"content": "download report.pdf", "task_type": "file",
              "parameters": {"file": "report.pdf"}, "depends_on": []},
             {"content": "email it to anna@example.com", "task_type": "communicate",
              "parameters": {"email": "anna@example.com"}, "depends_on": [0]}]}),
        ("Write a story about a knight and a dragon",
         {"language": "en", "segments": [
             {"content": "Write a story about a knight and a dragon", "task_type": "create",
              "parameters": {"topic": "a knight and a dragon"}, "depends_on": []}]}),
    ],
    "tr": [
        ("Hava durumunu ara, ardından sonuçları Ayşe'ye gönder",
         {"language": "tr", "segments": [
             {"content": "Hava durumunu ara", "task_type": "search",
              "parameters": {"query": "hava durumu"}, "depends_on": []},
             {"content": "sonuçları Ayşe'ye gönder", "task_type": "communicate",
              "parameters": {"recipient": "Ayşe"}, "depends_on": [0]}]}),
        ("rapor.docx dosyasını PDF'e çevirip masaüstüne kaydet",
         {"language": "tr", "segments": [
             {"content": "rapor.docx dosyasını PDF'e çevir", "task_type": "transform",
              "parameters": {"file": "rapor.docx", "format": "PDF"}, "depends_on": []},
             {"content": "masaüstüne kaydet", "task_type": "file",
              "parameters": {"destination": "masaüstü"}, "depends_on": [0]}]}),
    ],
}


def build_messages(command: str, language: str, mode: str, persona: str) -> list[dict[str, str]]:
    """System prompt, the examples as earlier turns, then the command."""
    lang = language if language in SYSTEMS else "en"
    system = SYSTEMS[lang].replace("{mode}", mode).replace("{persona}", persona)
    messages = [{"role": "system", "content": system}]
    for example, answer in EXAMPLES[lang]:
        messages.append({"role": "user", "content": example})
        messages.append({"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)})
    messages.append({"role": "user", "content": command})
    return messages
