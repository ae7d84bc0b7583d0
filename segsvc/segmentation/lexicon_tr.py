"""Turkish vocabulary: verb stems and their task types, compound verbs, and function words.

Turkish is verb-final and agglutinative, so the splitter works from verb *stems*: a word is an
imperative when it is a known stem with nothing after it (or a polite "-(y)In(Iz)"), a converb when
the stem carries "-(y)Ip" / "-DIktAn" / "-mAdAn", a participle when it carries "-(y)An" / "-DIğI" ...
(see ``morphology_tr``). Stems are written in their dictionary form, lower case, Turkish letters.
"""

from __future__ import annotations

_STEMS_BY_TYPE: dict[str, str] = {
    "search": """ara araştır bul sorgula listele getir öğren bak keşfet göster bulundur""",
    "create": """yaz oluştur hazırla üret tasarla çiz kodla geliştir yarat ekle öner bestele taslakla belgele
        programla karala derle görselleştir belgele""",
    "analyze": """karşılaştır hesapla incele doğrula değerlendir ölç denetle say yorumla açıkla belirle
        puanla kıyasla sına doğrulat teyit gözle izle dene tart topla önceliklendir seç""",
    "open": """aç başlat git ziyaret gez gir oku""",
    "transform": """çevir dönüştür sıkıştır sırala ayıkla düzenle kırp döndür birleştir böl filtrele şifrele
        çöz boyutlandır küçült büyüt ayır düzelt kısalt genişlet normalleştir değiştir tercümele çıkart
        aktar süz dök paketle etiketle gruplandır sınıflandır biçimle renklendir vurgula
        bulanıklaştır keskinleştir boya kes grupla kalınlaştır numaralandır hizala ortala girintile
        seslendir ölçekle işaretle tikle""",
    "execute": """çalıştır kur oynat kapat durdur duraklat tıkla bas sustur karart artır arttır azalt kilitle
        bağlan eşleştir güncelle yükselt yenile eşitle ayarla sıfırla öde yazdır çek biçimlendir çıkar
        bağla dağıt sonlandır etkinleştir aktifleştir katıl ayrıl uygula kullan sula besle bekle
        onayla reddet iptal yükle kaldır oyna dinle söndür yak indir kıs çal seyret sürdür tekrarla
        yinele atla karıştır kaydır yakınlaştır uzaklaştır imzala kirala ısmarla ısıt soğut pişir
        yatır düşür formatla bölümle temizle doldur ilerlet aydınlat parlat çık kapa ayırt bitir
        tamamla sabitle sürükle dokun onar yıka ütüle alçalt dondur sun yansıt eşle tazele hızlandır
        yavaşlat engelle sat götür ettir yaptır unut hatırla çaldır tara yıldızla beğen tak
        kaydol oyla bağışla zımbala katla uzat""",
    "summarize": """özetle""",
    "schedule": """hatırlat planla zamanla ertele programla uyandır""",
    "communicate": """gönder paylaş bildir yolla ilet söyle sor yanıtla cevapla duyur yayınla tweetle
        bilgilendir uyar anlat mesajlaş çağır raporla duyur postala kutla tebrikle iste faksla retweetle""",
    "file": """kaydet taşı kopyala sil yedekle arşivle sakla depola kurtar çoğalt boşalt ziple adlandır
        indir klonla yapıştır çatalla""",
}
#: Light verbs: they carry no task on their own; the noun before them decides (kontrol et, giriş yap).
LIGHT_VERBS: dict[str, str] = {"et": "execute", "yap": "create", "ol": "execute", "al": "execute",
                               "ver": "execute", "at": "communicate", "geç": "execute", "bırak": "execute",
                               "tut": "create", "koy": "file"}

#: stem -> task type
STEM_TYPES: dict[str, str] = {}
for _type, _words in _STEMS_BY_TYPE.items():
    for _w in _words.split():
        STEM_TYPES.setdefault(_w, _type)
STEM_TYPES.update({"indir": "file", "yükle": "file", "kaldır": "file", "başlat": "open", "temizle": "execute",
                   "izle": "execute", "derle": "create"})
#: Words that look like verb forms but work as postpositions or particles ("PDF olarak kaydet").
NOT_VERBS = frozenset({"olarak", "diye", "göre", "kadar", "değil", "ama", "olan", "olanı", "olup", "sonra",
                       "önce", "yani", "bile", "dahi", "sayın", "alan", "alanı", "alanında", "veri", "ekip",
                       "çıkış", "giriş", "kayıt", "ayrıca", "yapay", "sorun", "sorunu"})
STEM_TYPES.update(LIGHT_VERBS)

#: (noun, light verb or verb) -> task type; the pair is the verb of the clause.
COMPOUNDS: dict[tuple[str, str], str] = {
    ("kontrol", "et"): "analyze", ("analiz", "et"): "analyze", ("test", "et"): "analyze",
    ("tahmin", "et"): "analyze", ("takip", "et"): "analyze", ("teşhis", "et"): "analyze",
    ("tespit", "et"): "analyze", ("hesap", "et"): "analyze", ("kıyas", "et"): "analyze",
    ("ziyaret", "et"): "open", ("devam", "et"): "execute", ("şarj", "et"): "execute",
    ("senkronize", "et"): "execute", ("organize", "et"): "file", ("tercüme", "et"): "transform",
    ("telefon", "et"): "communicate", ("davet", "et"): "communicate", ("teşekkür", "et"): "communicate",
    ("tebrik", "et"): "communicate", ("sipariş", "et"): "execute", ("rezerve", "et"): "execute",
    ("iptal", "et"): "execute", ("optimize", "et"): "transform", ("formatla", "et"): "execute",
    ("kayıt", "et"): "file", ("format", "et"): "execute", ("yardım", "et"): "execute",
    ("arama", "yap"): "search", ("araştırma", "yap"): "search", ("giriş", "yap"): "execute",
    ("çıkış", "yap"): "execute", ("rezervasyon", "yap"): "execute", ("yedekleme", "yap"): "file",
    ("yedek", "al"): "file", ("not", "al"): "create", ("randevu", "al"): "schedule",
    ("görüntüsü", "al"): "execute", ("görüntüsünü", "al"): "execute", ("kaydı", "al"): "execute",
    ("satın", "al"): "execute", ("geri", "al"): "execute", ("fotoğraf", "çek"): "execute",
    ("video", "çek"): "execute", ("fotoğrafını", "çek"): "execute", ("mesaj", "at"): "communicate",
    ("e-posta", "at"): "communicate", ("mail", "at"): "communicate", ("eposta", "at"): "communicate",
    ("tweet", "at"): "communicate", ("haber", "ver"): "communicate", ("cevap", "ver"): "communicate",
    ("yanıt", "ver"): "communicate", ("sipariş", "ver"): "execute", ("karar", "ver"): "analyze",
    ("izin", "ver"): "execute", ("oturum", "aç"): "execute", ("hesap", "aç"): "execute",
    ("kayıt", "ol"): "execute", ("abone", "ol"): "execute", ("üye", "ol"): "execute",
    ("emin", "ol"): "analyze", ("dışı", "bırak"): "execute", ("dışa", "aktar"): "file",
    ("içe", "aktar"): "file", ("gözden", "geçir"): "analyze", ("iletişime", "geç"): "communicate",
    ("yeniden", "başlat"): "execute", ("tekrar", "başlat"): "execute", ("yeniden", "yaz"): "transform",
    ("yeniden", "adlandır"): "file", ("hata", "ayıkla"): "analyze", ("özet", "çıkar"): "summarize",
    ("özetini", "çıkar"): "summarize", ("yazıya", "dök"): "transform", ("geri", "yükle"): "file",
    ("arşivden", "çıkar"): "transform", ("not", "tut"): "create", ("kayıt", "tut"): "create",
    ("sesini", "kapat"): "execute", ("sesini", "aç"): "execute", ("göz", "at"): "search",
    ("ara", "ver"): "execute", ("yer", "ayırt"): "execute", ("rapor", "et"): "communicate",
    ("paylaşım", "yap"): "communicate", ("duyuru", "yap"): "communicate", ("yorum", "yap"): "communicate",
    ("bilgi", "ver"): "communicate", ("kurulum", "yap"): "execute", ("güncelleme", "yap"): "execute",
    ("sunum", "yap"): "execute", ("plan", "yap"): "schedule", ("program", "yap"): "schedule",
    ("listesi", "çıkar"): "create", ("liste", "çıkar"): "create", ("listesini", "çıkar"): "create",
    ("adını", "değiştir"): "file", ("adını", "yap"): "file", ("ismini", "değiştir"): "file",
    ("fotokopi", "çek"): "execute", ("kopya", "çek"): "execute", ("kabul", "et"): "execute",
    ("transfer", "et"): "execute", ("not", "et"): "create", ("alışveriş", "yap"): "execute",
    ("ileri", "sar"): "execute", ("geri", "sar"): "execute", ("kilidini", "aç"): "execute",
    ("çöpe", "at"): "file", ("yerini", "değiştir"): "file", ("e-posta", "gönder"): "communicate",
    ("moduna", "al"): "execute", ("sessize", "al"): "execute", ("yedeğini", "al"): "file",
    ("kaydını", "al"): "execute", ("tarifi", "al"): "search", ("tarifini", "al"): "search",
    ("sesli", "not"): "create", ("ekran", "görüntüsü"): "execute",
    ("yeniden", "yükle"): "execute", ("tekrar", "yükle"): "execute", ("bağlantıyı", "kes"): "execute",
    ("bağlantısını", "kes"): "execute", ("üstünü", "çiz"): "transform", ("üzerini", "çiz"): "transform",
    ("takipten", "çık"): "execute", ("takibi", "bırak"): "execute", ("engeli", "kaldır"): "execute",
    ("engelini", "kaldır"): "execute", ("sessizden", "çıkar"): "execute", ("havale", "et"): "execute",
    ("sabitlemeyi", "kaldır"): "execute", ("işareti", "kaldır"): "transform", ("işaretini", "kaldır"): "transform",
    ("check-in", "yap"): "execute", ("yer", "ayır"): "execute",
    ("teslim", "al"): "execute", ("teslim", "et"): "execute", ("park", "et"): "execute",
    ("imza", "at"): "execute", ("oy", "ver"): "execute", ("bağış", "yap"): "execute",
    ("mola", "ver"): "execute", ("sıraya", "al"): "execute", ("sıraya", "koy"): "execute",
    ("listeye", "al"): "execute", ("bakiye", "yükle"): "execute", ("para", "yükle"): "execute",
    ("kontör", "yükle"): "execute", ("para", "aktar"): "execute", ("para", "çek"): "execute", ("arşive", "kaldır"): "file", ("çöpe", "taşı"): "file",
}
#: Nouns that decide the task of a light verb (testi yap, kontrolünü yap, ödemeyi yap), by their bare stem.
LIGHT_NOUNS: dict[str, str] = {
    "test": "analyze", "kontrol": "analyze", "analiz": "analyze", "tarama": "analyze", "ölçüm": "analyze",
    "hesaplama": "analyze", "karşılaştırma": "analyze", "inceleme": "analyze", "değerlendirme": "analyze",
    "denetim": "analyze", "denetleme": "analyze", "teşhis": "analyze", "tahmin": "analyze", "muayene": "analyze",
    "sağlama": "analyze", "doğrulama": "analyze", "hesap": "analyze", "kıyas": "analyze", "takip": "analyze",
    "arama": "search", "araştırma": "search", "sorgu": "search", "sorgulama": "search",
    "yedek": "file", "yedekleme": "file", "yükleme": "file", "indirme": "file", "kayıt": "file",
    "güncelleme": "execute", "kurulum": "execute", "yükseltme": "execute", "ödeme": "execute",
    "rezervasyon": "execute", "sipariş": "execute", "havale": "execute", "transfer": "execute",
    "temizlik": "execute", "bakım": "execute", "sunum": "execute", "giriş": "execute", "çıkış": "execute",
    "alışveriş": "execute", "başvuru": "execute", "check-in": "execute",
    "çeviri": "transform", "tercüme": "transform", "düzenleme": "transform", "dönüşüm": "transform",
    "düzeltme": "transform", "özet": "summarize", "paylaşım": "communicate", "duyuru": "communicate",
    "yorum": "communicate", "bildirim": "communicate", "plan": "schedule", "program": "schedule",
    "randevu": "schedule", "toplantı": "schedule", "liste": "create", "taslak": "create", "not": "create",
}
#: Verbal nouns in -mA that are ordinary nouns ("kapıda ödemeyi seç": the payment, not "paying").
MA_NOUNS = frozenset({"ödeme", "güncelleme", "yedekleme", "tarama", "arama", "indirme", "yükleme", "düzenleme",
                      "karşılaştırma", "hesaplama", "inceleme", "değerlendirme", "denetleme", "doğrulama",
                      "sıralama", "filtreleme", "sorgulama", "düzeltme", "yükseltme", "dondurma", "dolma",
                      "sarma", "kızartma", "kavurma", "toplama", "çıkarma", "bölme", "çarpma", "uygulama",
                      "ayarlama", "kaydırma", "eşitleme", "yenileme", "temizleme", "kurtarma", "aktarma",
                      "dağıtma", "gönderme", "silme", "kesme", "yapıştırma", "şifreleme", "sıkıştırma",
                      "dönüştürme", "çevirme", "bildirme", "onaylama", "planlama", "zamanlama", "hatırlatma",
                      "doldurma", "boşaltma", "kapatma", "açma", "başlatma", "durdurma", "oynatma", "sulama",
                      "ısıtma", "soğutma", "havalandırma", "aydınlatma", "yıkama", "kurutma"})
_POSSESSIVE_ENDINGS = ("larını", "lerini", "sını", "sini", "sunu", "sünü", "ları", "leri", "ını", "ini", "unu",
                       "ünü", "yı", "yi", "yu", "yü", "sı", "si", "su", "sü", "ı", "i", "u", "ü")


def light_noun_type(noun: str, light: str) -> str | None:
    """Task type of ``noun`` + light verb when the noun, stripped of a possessive or accusative, is known.

    "testi yap" -> test, "kontrolünü yap" -> kontrol, "yedeğini al" -> yedek (ğ softened from k).
    """
    for stem in _noun_stems(noun):
        found = COMPOUNDS.get((stem, light)) or LIGHT_NOUNS.get(stem)
        if found is not None:
            return found
    return None


def _noun_stems(noun: str) -> list[str]:
    out = [noun]
    for ending in _POSSESSIVE_ENDINGS:
        if noun.endswith(ending) and len(noun) - len(ending) >= 3:
            stem = noun[: -len(ending)]
            out.append(stem)
            if stem.endswith("ğ"):
                out.append(stem[:-1] + "k")
    return out


#: Verbs that take no object (a clause without one is not elliptical).
INTRANSITIVE = frozenset({"git", "gel", "bekle", "katıl", "bağlan", "dur", "gir", "ayrıl", "ol", "bak",
                          "dön", "geç", "gez", "çık", "yap", "uyu"})
#: Bare stems that are also common nouns or adjectives; they close a one-word clause only at the end.
AMBIGUOUS = frozenset({"aç", "ara", "yaz", "kur", "at", "al", "dur", "sor", "say", "ver", "bas", "çek",
                       "gez", "bak", "sil", "böl", "yak", "çöz", "oku", "tara", "ayır", "et", "git", "yap",
                       "ol", "geç", "tut", "koy", "kıs", "çal", "dök", "süz", "seç", "çık", "kapa", "gir",
                       "öde", "tak", "beğen", "oyla"})

#: Connectors between clauses; multiword ones first. The flag says whether they sequence.
#: Connectors between clauses; the kind says how the next clause relates: "and" (independent), "seq"
#: (runs after the previous one), "rev" (runs *before* the previous one: "..., ama önce ...").
CONNECTORS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("ve", "son", "olarak"), "seq"), (("ve", "daha", "sonra"), "seq"), (("ve", "en", "son", "olarak"), "seq"),
    (("ve", "ardından"), "seq"), (("ve", "sonra"), "seq"), (("ve", "sonrasında"), "seq"),
    (("ve", "akabinde"), "seq"), (("ve", "ayrıca"), "and"), (("ve", "de"), "and"),
    (("en", "son", "olarak"), "seq"), (("son", "olarak"), "seq"), (("daha", "sonra"), "seq"),
    (("bunun", "ardından"), "seq"), (("bundan", "sonra"), "seq"), (("ondan", "sonra"), "seq"),
    (("bunun", "üzerine"), "seq"), (("bunu", "yaptıktan", "sonra"), "seq"), (("en", "sonunda"), "seq"),
    (("hem", "de"), "and"), (("bir", "de"), "and"), (("sonra",), "seq"), (("ardından",), "seq"),
    (("sonrasında",), "seq"), (("akabinde",), "seq"), (("sonunda",), "seq"), (("ayrıca",), "and"),
    (("ve",), "and"), ((",",), "and"), (("&",), "and"), (("sonra", "da"), "seq"), (("ardından", "da"), "seq"),
    (("ilave", "olarak"), "and"), (("aynı", "zamanda"), "and"), (("ama", "önce"), "rev"),
    (("fakat", "önce"), "rev"), (("ancak", "önce"), "rev"), (("ama", "ondan", "önce"), "rev"),
    (("ama", "bundan", "önce"), "rev"), (("ama",), "and"), (("fakat",), "and"), (("ancak",), "and"),
)
CONNECTOR_FIRST = frozenset(words[0] for words, _ in CONNECTORS)
#: Words opening a command or a clause that only sequence it: stripped from the content.
LEADING = (("ilk", "olarak"), ("ilk", "önce"), ("en", "başta"), ("her", "şeyden", "önce"), ("öncelikle",),
           ("önce",), ("hem",), ("sonra",), ("ardından",), ("son", "olarak"), ("daha", "sonra"),
           ("en", "son", "olarak"), ("ayrıca",), ("ve",), ("bir", "de"), ("sonrasında",), ("akabinde",),
           ("sonunda",), ("bunun", "ardından"), ("bundan", "sonra"), ("ondan", "sonra"))
LEADING_SEQUENCING = frozenset({"sonra", "ardından", "son", "daha", "sonrasında", "akabinde", "sonunda",
                                "bunun", "bundan", "ondan", "en"})
QUESTION_PARTICLES = frozenset({"mısın", "misin", "musun", "müsün", "mısınız", "misiniz", "musunuz",
                                "müsünüz", "mi", "mı", "mu", "mü"})
#: Pronouns that always point at the previous step's output (result nouns: ``RESULT_STEMS``).
BACK_REFERENCES = frozenset({"onu", "onları", "bunu", "bunları", "şunu", "şunları", "onlardan", "bundan",
                             "ondan", "hepsini", "tümünü", "hepsine", "tümüne", "ikisini", "üçünü",
                             "birini", "ikisine", "onunla", "bununla", "içine", "içindekileri", "oraya",
                             "buraya", "içindeki", "onlara"})
#: Definite objects that refer back when the previous step produced such a thing ("dosyayı" after
#: "indir") or named it.
ARTIFACT_REFERENCES = frozenset({"dosyayı", "dosyaları", "belgeyi", "belgeleri", "raporu", "dökümü",
                                 "listeyi", "arşivi", "görüntüyü", "fotoğrafı", "fotoğrafları", "videoyu",
                                 "kaydı", "kaydını", "linki", "bağlantıyı", "tabloyu", "grafiği", "metni",
                                 "taslağı", "içeriğini", "içeriği", "kopyasını", "yedeği", "resmi",
                                 "resimleri", "notu", "notları", "mesajı", "e-postayı", "betiği", "kodu"})
#: Result nouns, (stem, stem before a vowel, harmony vowel): any case form of them ("özetten", "sonuca",
#: "çıktısını") names the previous step's output.
RESULT_STEMS: tuple[tuple[str, str, str], ...] = (
    ("özet", "", ""), ("sonuç", "sonuc", ""), ("çıktı", "", ""), ("çeviri", "", ""), ("bulgu", "", ""),
    ("cevap", "cevab", ""), ("yanıt", "", ""), ("döküm", "", ""),
)
#: What a search, a check or a producing step brings back ("önerileri özetle" after "araştır", "desteyi
#: paylaş" after "kart üret"): in any case form, after such a step.
FOUND_STEMS: tuple[tuple[str, str, str], ...] = (
    ("toplam", "", ""), ("öneri", "", ""), ("bilgi", "", ""), ("ayrıntı", "", ""), ("detay", "", ""),
    ("tavsiye", "", ""), ("ipuç", "ipuc", ""), ("seçenek", "seçeneğ", ""), ("yorum", "", ""), ("deste", "", ""),
    ("set", "", ""), ("koleksiyon", "", ""), ("albüm", "", ""),
)
#: Facts a check or a search finds out, reported in a message: "anneme varış saatini gönder" after
#: "seferin durumunu kontrol et".
INFO_STEMS: tuple[tuple[str, str, str], ...] = (
    ("saat", "", "e"), ("tarih", "", ""), ("fiyat", "", ""), ("ücret", "", ""), ("durum", "", ""),
    ("adres", "", ""), ("skor", "", ""), ("puan", "", ""), ("bakiye", "", ""), ("sıcaklık", "sıcaklığ", ""),
    ("tahmin", "", ""), ("gecikme", "", ""), ("peron", "", ""), ("miktar", "", ""), ("tutar", "", ""),
    ("mesafe", "", ""), ("süre", "", ""), ("zaman", "", ""), ("seviye", "", ""), ("değer", "", ""),
)
#: Verbs whose headless relative ("bulduklarını", "öğrendiklerini") is what the previous step found.
FINDING_STEMS = frozenset({"bul", "öğren", "gör", "keşfet", "topla", "getir", "çıkar", "oku", "duy", "dinle",
                           "ulaş", "elde"})
#: Words that end a process the previous step started: "süre dolunca", "indirme bitince".
COMPLETION_WORDS = frozenset({"dolunca", "dolduğunda", "dolar", "bitince", "bittiğinde", "biter",
                              "tamamlanınca", "tamamlandığında", "tamamlanır", "erince", "erdiğinde",
                              "bitmesiyle", "dolmasıyla", "tamamlanmasıyla"})
#: Question words that make reported content an open question ("... ne zaman açıldığını söyle").
QUESTION_WORDS = frozenset({"ne", "neyi", "neler", "neleri", "nasıl", "kaç", "hangi", "hangisi", "hangisini",
                            "nerede", "nereye", "nereden", "neden", "niye", "niçin", "kim", "kimin", "kimi",
                            "kimler"})
#: Verbs whose clause produces something a later "dosyayı"/"raporu" can refer to.
PRODUCERS = frozenset({"indir", "oluştur", "yaz", "hazırla", "üret", "kaydet", "çek", "tara", "dönüştür",
                       "çevir", "sıkıştır", "özetle", "ara", "bul", "listele", "getir", "hesapla", "derle",
                       "tasarla", "çiz", "kopyala", "yedekle", "ziple", "arşivle", "dışa", "al", "yükle",
                       "paylaş", "yayınla"})
#: Quantifier words before a possessive-accusative that select from a previous result ("ilk ikisini").
SELECTORS = frozenset({"ilk", "en", "son", "sonraki", "diğer", "öbür"})
URGENT = frozenset({"hemen", "acil", "acilen", "derhal", "şimdi", "şimdiden", "hızlıca", "çabuk", "ivedi"})
RELAXED = frozenset({"müsait", "boşta", "ileride", "sonraları"})
RECURRENCE = frozenset({"her", "günlük", "haftalık", "aylık", "yıllık", "saatlik", "hergün", "herkes"})
TIME_WORDS = frozenset({"bugün", "yarın", "öbür", "bu", "akşam", "sabah", "öğlen", "öğleden", "gece",
                        "pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar", "hafta",
                        "gün", "ay", "yıl", "saat", "dakika", "saniye", "haftaya", "akşamı",
                        "sabahı", "gecesi", "sonra", "önce", "içinde", "için"})
SCHEDULE_OBJECTS = frozenset({"alarm", "alarmı", "zamanlayıcı", "zamanlayıcıyı", "zamanlayıcısı",
                              "zamanlayıcısını", "alarmını", "hatırlatıcısı", "hatırlatıcısını", "hatırlatıcı",
                              "hatırlatıcıyı", "hatırlatma", "toplantı", "toplantıyı", "randevu",
                              "randevuyu", "etkinlik", "etkinliği", "geri", "sayım", "takvime"})
#: Stems of objects that make "aç"/"kapat" a device action rather than opening an application.
DEVICE_STEMS = ("ışık", "lamba", "klima", "ses", "wifi", "wi-fi", "bluetooth", "televizyon", "tv", "ısıtıcı", "fan",
                "kamera", "mikrofon", "bildirim", "perde", "kapı", "kombi", "priz", "musluk", "vana", "pencere",
                "garaj", "alarm", "hoparlör", "radyo", "ekran", "bilgisayar", "telefon", "modem", "router",
                "panjur", "jaluzi", "tente", "kepenk")
DEVICE_OBJECTS = frozenset({"ışık", "ışığı", "ışıkları", "lamba", "lambayı", "lambaları", "klima", "klimayı",
                            "sesi", "sesini", "wifi", "wi-fi", "bluetooth", "televizyonu", "tv", "ısıtıcıyı",
                            "fanı", "bilgisayarı", "telefonu", "ekranı", "kamerayı", "mikrofonu",
                            "bildirimleri", "perdeleri", "kapıyı"})
LANGUAGE_NAMES = frozenset({"ingilizce", "türkçe", "almanca", "fransızca", "ispanyolca", "italyanca",
                            "arapça", "rusça", "çince", "japonca", "korece", "portekizce", "felemenkçe",
                            "yunanca", "farsça", "kürtçe", "lehçe", "ukraynaca"})
#: Common Turkish function words (language detection, object finding).
FUNCTION_WORDS = frozenset(
    ["ve", "veya", "ya", "da", "de", "bir", "bu", "şu", "o", "için", "ile", "gibi", "kadar", "sonra", "önce",
     "ardından", "ama", "fakat", "ancak", "çünkü", "eğer", "her", "hem", "ne", "mi", "mı", "mu", "mü", "daha",
     "en", "çok", "az", "şimdi", "lütfen", "bana", "beni", "benim", "bizim", "sana", "seni", "onu", "onları",
     "bunu", "bunları", "olarak", "ise", "ki", "diye", "yine", "tüm", "bütün", "hepsi", "şey", "var", "yok",
     "ayrıca", "sadece", "üzerine", "hakkında", "göre", "içinde", "dışında", "arasında", "yarın", "bugün",
     "saat", "dakika", "hemen", "acil", "acilen", "derhal", "sonra", "önce", "ilk", "son", "olarak",
     "hakkında", "tüm", "herkese", "bütün"]
)
