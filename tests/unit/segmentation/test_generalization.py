"""Commands outside the example files, one per grammar rule, in both languages.

They guard the general mechanisms (lexicon, morphology guesses, connectors, references) rather than
any listed sentence: each line uses words that appear in no example.
"""

from __future__ import annotations

import pytest

from segsvc.segmentation import segment_command

CASES = [
    # (command, expected contents, expected dependencies or None when not judged)
    ("Pause the music, answer the call, and resume playback afterwards",
     ["Pause the music", "answer the call", "resume playback"], [(), (), (1,)]),
    ("Copy /var/log/syslog to ~/backup/logs and compress the folder",
     ["Copy /var/log/syslog to ~/backup/logs", "compress the folder"], [(), (0,)]),
    ("Open the settings, enable dark mode and restart the app",
     ["Open the settings", "enable dark mode", "restart the app"], [(), (), ()]),
    ("Sort the spreadsheet by date, then remove the duplicates, and finally export it as CSV",
     ["Sort the spreadsheet by date", "remove the duplicates", "export it as CSV"], [(), (0,), (1,)]),
    ("Notify the team on Slack after you merge the pull request",
     ["Notify the team on Slack", "merge the pull request"], [(1,), ()]),
    ("Find a recipe for lasagna, list the ingredients, and order them online",
     ["Find a recipe for lasagna", "list the ingredients", "order them online"], None),
    ("Ask Elif whether she can cover my shift and swap it with Ali", None, None),
    ("Write a haiku about autumn leaves and rain", ["Write a haiku about autumn leaves and rain"], None),
    ("Ayarları aç, karanlık modu etkinleştir ve uygulamayı yeniden başlat",
     ["Ayarları aç", "karanlık modu etkinleştir", "uygulamayı yeniden başlat"], [(), (), ()]),
    ("Halıyı süpür ve bulaşıkları yıka", ["Halıyı süpür", "bulaşıkları yıka"], [(), ()]),
    ("Kurulum dosyasını indirip çalıştır", ["Kurulum dosyasını indir", "çalıştır"], [(), (0,)]),
    ("Depoyu klonlayıp testleri koştur", ["Depoyu klonla", "testleri koştur"], [(), (0,)]),
    ("Faturayı müşteriye göndermeden önce yazdır", ["Faturayı müşteriye gönder", "yazdır"], [(1,), ()]),
    ("Raporu bitirince Ali'ye gönder", ["Raporu bitir", "Ali'ye gönder"], [(), (0,)]),
    ("Tabloyu tarihe göre sırala, ardından tekrarları kaldır ve son olarak CSV olarak dışa aktar",
     ["Tabloyu tarihe göre sırala", "tekrarları kaldır", "CSV olarak dışa aktar"], [(), (0,), (1,)]),
    ("Lizbon'da ücretsiz otoparkı olan ve evcil hayvan kabul eden bir otel bul",
     ["Lizbon'da ücretsiz otoparkı olan ve evcil hayvan kabul eden bir otel bul"], None),
    ("Elif'e pazar günü vardiyamı devralıp devralamayacağını sor",
     ["Elif'e pazar günü vardiyamı devralıp devralamayacağını sor"], None),
    ("Bir lazanya tarifi bul, malzemeleri listele ve onları internetten sipariş et",
     ["Bir lazanya tarifi bul", "malzemeleri listele", "onları internetten sipariş et"], [(), (), (1,)]),
]


# Commands written to stress the verb lexicon and the type cues (each caught a bug, or guards the exception
# to a new rule: a bedroom window is a device, "select all" a user-interface action).
CASES += [
    ("Open the list, cross off bread, tick off eggs and send it to Tom",
     ["Open the list", "cross off bread", "tick off eggs", "send it to Tom"], [(), (), (), (2,)]),
    ("Open the shopping list, scratch off bread and butter, and send the updated list to Tom",
     ["Open the shopping list", "scratch off bread and butter", "send the updated list to Tom"], [(), (), (1,)]),
    ("Print two copies of the contract and staple them",
     ["Print two copies of the contract", "staple them"], [(), (0,)]),
    ("Add Ali to the project channel and give him admin rights",
     ["Add Ali to the project channel", "give him admin rights"], [(), ()]),
    ("Clean up the old branches and dedupe the contact list",
     ["Clean up the old branches", "dedupe the contact list"], [(), ()]),
    ("Pair the headphones with my laptop and connect to the office Wi-Fi",
     ["Pair the headphones with my laptop", "connect to the office Wi-Fi"], [(), ()]),
    ("Yedekleri kontrol edip eski olanları sil", ["Yedekleri kontrol et", "eski olanları sil"], [(), (0,)]),
    ("Sipariş verip kapıda ödemeyi seç", ["Sipariş ver", "kapıda ödemeyi seç"], [(), (0,)]),
    ("Depoyu yıldızla, çatalla ve ~/src klasörüne klonla",
     ["Depoyu yıldızla", "çatalla", "~/src klasörüne klonla"], None),
    ("Toplantı davetini kabul et ve öğle yemeği davetini reddet",
     ["Toplantı davetini kabul et", "öğle yemeği davetini reddet"], [(), ()]),
    ("Önce disk kullanımını kontrol et, sonra #devops kanalına haber ver",
     ["disk kullanımını kontrol et", "#devops kanalına haber ver"], [(), (0,)]),
    ("Dosyayı aç, oku ve özetle", ["Dosyayı aç", "oku", "özetle"], [(), (0,), (1,)]),
    ("Once you have the quotes, compare them and buy the cheapest",
     ["Once you have the quotes, compare them", "buy the cheapest"], [(), (0,)]),
    ("Look up the weather in Ankara and if it rains, remind me to take an umbrella",
     ["Look up the weather in Ankara", "if it rains, remind me to take an umbrella"], [(), (0,)]),
    ("Sözleşmeyi imzala, tara ve taranmış belgeyi hukuk@acme.com adresine gönder",
     ["Sözleşmeyi imzala", "tara", "taranmış belgeyi hukuk@acme.com adresine gönder"], None),
]

#: (command, task type per segment): the verb decides, object cues refine it.
TYPED = [
    ("Open a private window and search for flights to Oslo", ["open", "search"]),
    ("Open the bedroom window and close the blinds", ["execute", "execute"]),
    ("Calculate the average daily spending and show it in a bar chart", ["analyze", "create"]),
    ("Back up the photos folder daily at 2 am", ["schedule"]),
    ("Add ten photos to the album, then share it with Mia", ["execute", "communicate"]),
    ("Choose the cheapest option and buy it", ["analyze", "execute"]),
    ("Select all the text and copy it", ["execute", "file"]),
    ("Scan the document and email it to the accountant", ["execute", "communicate"]),
    ("Scan my laptop for viruses", ["analyze"]),
    ("Check out of the hotel and order a taxi", ["execute", "execute"]),
    ("Start Spotify and play my Discover Weekly playlist", ["open", "execute"]),
    ("Block two hours on Friday for focus time", ["schedule"]),
    ("Block the spam number", ["execute"]),
    ("Confirm the reservation and add it to my calendar", ["execute", "schedule"]),
    ("Gizli bir pencere açıp bankanın sitesine git", ["open", "open"]),
    ("Kamerayı aç ve bir video kaydet", ["open", "file"]),
    ("Wi-Fi ayarlarını aç ve yeni ağa bağlan", ["open", "execute"]),
    ("Yatak odasının penceresini aç ve perdeleri kapat", ["execute", "execute"]),
    ("Hız testini yap ve sonucu kaydet", ["analyze", "file"]),
    ("Sistem güncellemesini yap, ardından bilgisayarı yeniden başlat", ["execute", "execute"]),
    ("İçine iki fotoğraf ekle ve sunumu kaydet", ["execute", "file"]),
    ("Veriyi bir çizgi grafikle göster", ["create"]),
    ("Belgeyi tara ve muhasebeciye e-postayla gönder", ["execute", "communicate"]),
    ("Bilgisayarımı virüslere karşı tara", ["analyze"]),
    ("En ucuz seçeneği seç ve satın al", ["analyze", "execute"]),
    ("Tüm metni seç ve kopyala", ["execute", "file"]),
    ("Mehmet'e 200 avro aktar ve ulaşım kartıma bakiye yükle", ["execute", "execute"]),
    ("İki PDF'i birleştir ve klasörü zip'le", ["transform", "file"]),
    ("NASA'yı Instagram'da takip et ve son gönderisini beğen", ["execute", "execute"]),
    ("Ekran kaydını başlat ve 10 dakika sonra durdur", ["execute", "execute"]),
    ("Sözleşmenin iki kopyasını yazdır ve zımbala", ["execute", "execute"]),
    ("Netflix'i televizyonda aç", ["open"]),
    ("Televizyonu aç", ["execute"]),
    ("Dişçiyi ara ve randevumu ertele", ["communicate", "schedule"]),
    ("Twitter'da @nasa'yı takip et ve son gönderisini retweetle", ["execute", "communicate"]),
    ("Ucuz otelleri ara", ["search"]),
]


@pytest.mark.parametrize("command, contents, deps", CASES)
def test_generalization(command: str, contents: list[str] | None, deps: list[tuple[int, ...]] | None) -> None:
    segs = segment_command(command).segments
    if contents is None:  # reported content: one segment whatever it says
        assert len(segs) == 1
        return
    assert [s.content for s in segs] == contents
    if deps is not None:
        assert [s.dependencies for s in segs] == deps


@pytest.mark.parametrize("command, types", TYPED)
def test_task_type_cues(command: str, types: list[str]) -> None:
    assert [s.task_type for s in segment_command(command).segments] == types


def test_host_with_path_is_one_url() -> None:
    segs = segment_command("Go to github.com/acme/widgets, star the repo, then clone it into ~/code").segments
    assert [s.content for s in segs] == ["Go to github.com/acme/widgets", "star the repo", "clone it into ~/code"]
    assert any(p.name == "url" and p.value == "github.com/acme/widgets" for p in segs[0].parameters)


@pytest.mark.parametrize("command, first", [
    ("Otele rezervasyon yapıp onay e-postasını Ali'ye ilet", "Otele rezervasyon yap"),
    ("Siparişi iptal edip parayı iade iste", "Siparişi iptal et"),
    ("Telefonu şarj edip alarmı kur", "Telefonu şarj et"),
    ("Siteye giriş yapıp faturayı indir", "Siteye giriş yap"),
    ("Kargoyu takip edip teslim tarihini bana bildir", "Kargoyu takip et"),
    ("Logları analiz edip hataları listele", "Logları analiz et"),
    ("Toplantıda not alıp özetini ekibe gönder", "Toplantıda not al"),
    ("Ali'ye mesaj atıp toplantıyı ertele", "Ali'ye mesaj at"),
])
def test_converb_after_a_compound_verb(command: str, first: str) -> None:
    """ "-ip" on the light verb of a compound ("kontrol edip", "giriş yapıp") splits like a simple verb."""
    segs = segment_command(command).segments
    assert len(segs) == 2
    assert segs[0].content == first
    assert segs[1].dependencies == (0,)
