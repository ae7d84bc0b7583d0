"""Turkish morphology and clause splitting."""

from __future__ import annotations

import pytest

from segsvc.segmentation import segment_command
from segsvc.segmentation.morphology_tr import (
    CONV_DIKTAN,
    CONV_IP,
    CONV_MADAN,
    FINITE,
    IMP,
    NOMINAL,
    PART,
    analyse,
    noun_forms,
    tr_lower,
)


@pytest.mark.parametrize("word, cat, lemma", [
    ("aç", IMP, "aç"), ("açın", IMP, "aç"), ("okuyun", IMP, "oku"),
    ("açıp", CONV_IP, "aç"), ("yedekleyip", CONV_IP, "yedekle"), ("kaydedip", CONV_IP, "kaydet"),
    ("gidip", CONV_IP, "git"), ("edip", CONV_IP, "et"),
    ("indirdikten", CONV_DIKTAN, "indir"), ("kapattıktan", CONV_DIKTAN, "kapat"),
    ("kapatmadan", CONV_MADAN, "kapat"), ("kaydetmeden", CONV_MADAN, "kaydet"),
    ("yükleyen", PART, "yükle"), ("açacak", PART, "aç"),
    ("olduğunu", NOMINAL, "ol"), ("gönderdiğini", NOMINAL, "gönder"), ("yazmasını", NOMINAL, "yaz"),
    ("açıyor", FINITE, "aç"),
])
def test_analysis(word: str, cat: str, lemma: str) -> None:
    a = analyse(word)
    assert a is not None and (a.cat, a.lemma) == (cat, lemma)


@pytest.mark.parametrize("word", ["özeti", "dökümü", "betiği", "alarm", "olarak", "ekip", "veri"])
def test_nouns_are_not_verbs(word: str) -> None:
    assert analyse(word) is None


def test_stem_keeps_casing_and_undoes_softening() -> None:
    a = analyse("kaydedip")
    assert a is not None and a.stem_surface("Kaydedip") == "Kaydet"
    assert tr_lower("IŞIK İZMİR") == "ışık izmir"


def test_unknown_stems_are_guessed_from_unmistakable_suffixes() -> None:
    a = analyse("klonlayıp")
    assert a is not None and (a.cat, a.lemma) == (CONV_IP, "klonla")
    b = analyse("formatlamadan")
    assert b is not None and b.cat == CONV_MADAN


def _split(command: str) -> list[tuple[str, tuple[int, ...]]]:
    return [(s.content, s.dependencies) for s in segment_command(command, language="tr").segments]


@pytest.mark.parametrize("command, expected", [
    ("Tarayıcıyı açıp bankaya giriş yap", [("Tarayıcıyı aç", ()), ("bankaya giriş yap", (0,))]),
    ("Dosyayı kaydedip editörü kapat", [("Dosyayı kaydet", ()), ("editörü kapat", (0,))]),
    ("Belgeyi indirdikten sonra yazdır", [("Belgeyi indir", ()), ("yazdır", (0,))]),
    ("Uygulamayı durdurduktan sonra veritabanını yedekle",
     [("Uygulamayı durdur", ()), ("veritabanını yedekle", (0,))]),
    ("Editörü kapatmadan önce dosyayı kaydet", [("Editörü kapat", (1,)), ("dosyayı kaydet", ())]),
    ("Sunucuyu yeniden başlat ama önce yamaları yükle",
     [("Sunucuyu yeniden başlat", (1,)), ("yamaları yükle", ())]),
])
def test_converbs_split_and_order(command: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert _split(command) == expected


@pytest.mark.parametrize("command", [
    "Veritabanını yedekleyip dökümü S3'e yükleyen bir kabuk betiği yaz",  # participle
    "CSV dosyasını okuyup ortalamayı yazdıran bir Python betiği oluştur",
    "Ekibime derlemenin başarılı olduğunu ve sürümün hazır olduğunu söyle",  # reported content
    "Modemin çalışıp çalışmadığını kontrol et",
    "Bir şövalye ve bir ejderha hakkında hikaye yaz",  # nouns joined by ve
    "Roma'ya ucuz uçuşlar ve Kolezyum yakınında oteller bul",
    '"Balık ve patates" tarifini ara',  # quote
    "Rapor.docx dosyasını PDF olarak kaydet",  # "olarak" is not a converb
])
def test_no_split(command: str) -> None:
    assert len(segment_command(command, language="tr").segments) == 1


def test_connectors_sequence_or_not() -> None:
    segs = segment_command("Önce fotoğrafları yedekle, ardından kartı biçimlendir ve son olarak çıkar").segments
    assert [s.content for s in segs] == ["fotoğrafları yedekle", "kartı biçimlendir", "çıkar"]
    assert [s.dependencies for s in segs] == [(), (0,), (1,)]
    both = segment_command("Hem pil seviyemi kontrol et hem de yarın için alarm kur").segments
    assert [s.content for s in both] == ["pil seviyemi kontrol et", "yarın için alarm kur"]
    assert [s.dependencies for s in both] == [(), ()]
    assert [s.task_type for s in both] == ["analyze", "schedule"]


def test_polite_question_forms_close_a_clause() -> None:
    segs = segment_command("Takvimi açar mısın ve yarın için bir toplantı ekler misin").segments
    assert [s.content for s in segs] == ["Takvimi açar mısın", "yarın için bir toplantı ekler misin"]


def test_back_references_and_ellipsis() -> None:
    segs = segment_command("Toplantı dökümünü özetle ve özeti İngilizceye çevir").segments
    assert segs[1].dependencies == (0,)
    segs = segment_command("notlar.md dosyasını HTML'e dönüştür ve wikide yayınla").segments
    assert segs[1].dependencies == (0,)  # no object: it publishes the converted file
    segs = segment_command("Firefox'u aç ve wikipedia.org adresine git").segments
    assert segs[1].dependencies == ()  # "git" takes no object


def test_numbered_steps_and_semicolons() -> None:
    segs = segment_command("1) tarayıcıyı aç 2) bankaya giriş yap 3) ekstreyi indir").segments
    assert [s.dependencies for s in segs] == [(), (0,), (1,)]
    segs = segment_command("Ekranı karart; sesi kapat; ardından sunumu başlat").segments
    assert [s.content for s in segs] == ["Ekranı karart", "sesi kapat", "sunumu başlat"]
    assert segs[2].dependencies == (1,)


@pytest.mark.parametrize("command, task_type", [
    ("Mutfak ışıklarını aç", "execute"),  # a device, not an application
    ("Takvimi aç", "open"),
    ("Annemi ara", "communicate"),
    ("Ucuz uçuşları ara", "search"),
    ("Sepete ekle", "execute"),
    ("Her sabah saat 8'de bitkileri sula", "schedule"),
    ("Kredinin aylık taksitini hesapla", "analyze"),  # "aylık" is an adjective here
    ("Dosyanın adını rapor.docx olarak değiştir", "file"),
])
def test_task_types(command: str, task_type: str) -> None:
    assert [s.task_type for s in segment_command(command).segments] == [task_type]


def test_noun_forms_follow_harmony_softening_and_buffers() -> None:
    """Case forms of result nouns, generated rather than listed (dependencies use them)."""
    ozet = noun_forms("özet")
    assert {"özeti", "özete", "özetten", "özetin", "özetini", "özetinden", "özetleri", "özetlerini"} <= ozet
    assert "özetle" not in ozet and "özet" not in ozet  # the verb "summarize" and the bare nominative
    assert {"sonucu", "sonuca", "sonuçtan", "sonuçları", "sonucunu"} <= noun_forms("sonuç", "sonuc")
    assert {"çıktıyı", "çıktısını", "çıktının", "çıktıyla"} <= noun_forms("çıktı")
    assert {"saati", "saatini"} <= noun_forms("saat", vowel="e")
    assert "özetini" in noun_forms("özet", possessive=True) and "özete" not in noun_forms("özet", possessive=True)
