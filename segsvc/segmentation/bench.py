"""Micro-benchmark of ``segment_command``: median and p99 microseconds per ~15-word command.

    python -m segsvc.segmentation.bench [--rounds N] [--cold]

The commands are fixed (English and Turkish, about fifteen words, several clauses each) so runs are
comparable. Timing uses ``time.perf_counter_ns`` around each call after a warm-up round. ``--cold`` also
measures every call after clearing the engine's memos (word forms, analyses, shapes, parameters): the
cost of a command made of words the process has not seen yet.
"""

from __future__ import annotations

import argparse
import statistics
import time

from . import segment_command
from .engine import clear_caches

COMMANDS: dict[str, tuple[str, ...]] = {
    "en": (
        "Search for cheap flights to Rome next week, then compare the top three and book the best one",
        "Download https://files.example.org/a,b.tar.gz and unpack it into /srv/data, then delete the archive",
        "First back up my photos to the NAS, then format the SD card, and finally eject it safely",
        "Write a shell script that backs up the database and uploads the dump to S3 every night",
        "Summarize the meeting transcript in five bullet points and email the summary to the whole team",
        "Open Teams, join the daily standup with my camera off, and share my screen when asked",
        "Remove the temporary build files after you archive the project folder into release.zip tonight",
        "Tell my manager that the report is ready and the numbers look good, then book a meeting room",
    ),
    "tr": (
        "Ucuz dizüstü bilgisayarları internette ara, sonra ilk üçünü fiyat ve performansa göre karşılaştır ve en iyisini sepete ekle",
        "Önce tatil fotoğraflarımı harici diske yedekle, ardından SD kartı hızlıca biçimlendir ve son olarak güvenli şekilde çıkar",
        "Veritabanını yedekleyip dökümü S3'e yükleyen bir kabuk betiği yaz ve bunu her gece saat ikide çalıştır",
        "Belgeyi https://docs.example.com/rapor.pdf adresinden indirdikten sonra iki kopya halinde yazdır ve birini muhasebeye gönder",
        "Dünkü toplantı dökümünü beş maddede özetle ve özeti İngilizceye çevirip tüm ekibe e-postayla gönder",
        "Editörü kapatmadan önce notlar.md dosyasını kaydet ve tüm değişiklikleri uzak depoya gönder, sonra bilgisayarı kapat",
        "Ekibime derlemenin başarılı olduğunu ve sürümün hazır olduğunu söyle, sonra yarın için bir toplantı ayarla",
        "Tarayıcıyı açıp bankaya giriş yap, geçen ayın hesap ekstresini indir ve muhasebeciye e-postayla ilet",
    ),
}


def measure(commands: tuple[str, ...], rounds: int) -> list[float]:
    """Microseconds per call, for every command in every round (after one warm-up round)."""
    for command in commands:
        segment_command(command)
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for command in commands:
            t0 = clock()
            segment_command(command)
            samples.append((clock() - t0) / 1000.0)
    return samples


def measure_cold(commands: tuple[str, ...], rounds: int) -> list[float]:
    """Microseconds per call with every memo cleared right before it."""
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for command in commands:
            clear_caches()
            t0 = clock()
            segment_command(command)
            samples.append((clock() - t0) / 1000.0)
    return samples


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--cold", action="store_true", help="also measure with the memos cleared before each call")
    a = ap.parse_args(argv)
    for label, run in (("segmentation", measure), ("segmentation-cold", measure_cold))[: 2 if a.cold else 1]:
        everything: list[float] = []
        for lang, commands in COMMANDS.items():
            words = statistics.mean(len(c.split()) for c in commands)
            samples = run(commands, a.rounds)
            everything += samples
            print(f"{label}[{lang}] commands={len(commands)} words~{words:.0f} "
                  f"median_us={statistics.median(samples):.1f} p99_us={_p99(samples):.1f}")
        print(f"{label}[all] median_us={statistics.median(everything):.1f} p99_us={_p99(everything):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
