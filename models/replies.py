"""Fixed wording the graph adds around answers: small talk, hand-off offers, tone, and the language notice.

Answers are English until a multilingual engine is configured; a reply to another language starts with one short
sentence in that language saying so (never silently English).
"""

from __future__ import annotations

GREETING = "Hello! I can help with Salesforce questions: errors, limits, flows, security, data, reports and cases. What do you need?"
THANKS = "You're welcome! If anything else comes up, just ask."
HANDOFF = (
    "I can pass this chat to a person on our support team. "
    "Choose **Talk to a person**, and they will see everything we discussed."
)
NEEDS_PERSON = (
    "A person on our support team handles this kind of request. "
    "Choose **Talk to a person**, and I will pass them this chat."
)
REFUSE_OTHER_ACCOUNT = (
    "I can't act on someone else's account or share their details: only they, or your Salesforce administrator, "
    "can do that. If you are the administrator, I can tell you how. Or choose **Talk to a person**."
)
REFUSE_INSTRUCTIONS = (
    "I can't change how I work or share my instructions. I can help with Salesforce questions: errors, limits, "
    "flows, security, data, reports and cases. Or choose **Talk to a person**."
)
LEGAL = (
    "I'm sorry it has come to this. A person on our support team should handle this. "
    "Choose **Talk to a person**, and they will see everything we discussed."
)
COMPLAINT = (
    "I'm sorry this has been frustrating. Tell me the error or what you were trying to do, and I will look for a fix. "
    "If you prefer, choose **Talk to a person**."
)
TALK_TO_PERSON = "Talk to a person"

TONE = {
    "frustration": "I'm sorry this is giving you trouble. Here is what should fix it.",
    "anger": "I'm sorry about this. Let's get it fixed.",
    "urgency": "I understand this is urgent. Here is the quickest fix I know.",
}

# "I answer in English for now, because our help articles are in English." — one sentence per language.
ENGLISH_NOTICE = {
    "af": "Ek antwoord vir eers in Engels, want ons hulpartikels is in Engels.",
    "ar": "سأجيب باللغة الإنجليزية حاليًا، لأن مقالات المساعدة لدينا باللغة الإنجليزية.",
    "bg": "Засега отговарям на английски, защото статиите ни за помощ са на английски.",
    "bn": "আপাতত আমি ইংরেজিতে উত্তর দিচ্ছি, কারণ আমাদের সহায়তা নিবন্ধগুলো ইংরেজিতে।",
    "ca": "De moment responc en anglès, perquè els nostres articles d'ajuda són en anglès.",
    "cs": "Zatím odpovídám anglicky, protože naše články nápovědy jsou v angličtině.",
    "da": "Jeg svarer på engelsk indtil videre, fordi vores hjælpeartikler er på engelsk.",
    "de": "Ich antworte vorerst auf Englisch, weil unsere Hilfeartikel auf Englisch sind.",
    "el": "Προς το παρόν απαντώ στα αγγλικά, επειδή τα άρθρα βοήθειάς μας είναι στα αγγλικά.",
    "es": "Por ahora respondo en inglés, porque nuestros artículos de ayuda están en inglés.",
    "et": "Praegu vastan inglise keeles, sest meie abiartiklid on inglise keeles.",
    "fa": "فعلاً به انگلیسی پاسخ می‌دهم، چون مقاله‌های راهنمای ما به انگلیسی هستند.",
    "fi": "Vastaan toistaiseksi englanniksi, koska ohjeartikkelimme ovat englanniksi.",
    "fr": "Je réponds en anglais pour l'instant, car nos articles d'aide sont en anglais.",
    "he": "בינתיים אני עונה באנגלית, כי מאמרי העזרה שלנו כתובים באנגלית.",
    "hi": "फ़िलहाल मैं अंग्रेज़ी में जवाब दे रहा हूँ, क्योंकि हमारे सहायता लेख अंग्रेज़ी में हैं।",
    "hr": "Za sada odgovaram na engleskom jer su naši članci pomoći na engleskom.",
    "hu": "Egyelőre angolul válaszolok, mert a súgócikkeink angol nyelvűek.",
    "id": "Untuk saat ini saya menjawab dalam bahasa Inggris, karena artikel bantuan kami berbahasa Inggris.",
    "it": "Per ora rispondo in inglese, perché i nostri articoli di aiuto sono in inglese.",
    "ja": "ヘルプ記事が英語のため、現在は英語で回答しています。",
    "ko": "도움말 문서가 영어로 되어 있어 지금은 영어로 답변합니다.",
    "lt": "Kol kas atsakau angliškai, nes mūsų pagalbos straipsniai yra anglų kalba.",
    "lv": "Pagaidām atbildu angļu valodā, jo mūsu palīdzības raksti ir angļu valodā.",
    "ms": "Buat masa ini saya menjawab dalam bahasa Inggeris kerana artikel bantuan kami dalam bahasa Inggeris.",
    "nb": "Jeg svarer på engelsk foreløpig, fordi hjelpeartiklene våre er på engelsk.",
    "nl": "Ik antwoord voorlopig in het Engels, omdat onze hulpartikelen in het Engels zijn.",
    "pl": "Na razie odpowiadam po angielsku, ponieważ nasze artykuły pomocy są po angielsku.",
    "pt": "Por enquanto respondo em inglês, porque nossos artigos de ajuda estão em inglês.",
    "ro": "Deocamdată răspund în engleză, deoarece articolele noastre de ajutor sunt în engleză.",
    "ru": "Пока я отвечаю на английском, потому что наши справочные статьи написаны на английском.",
    "sk": "Zatiaľ odpovedám po anglicky, pretože naše články pomoci sú v angličtine.",
    "sl": "Za zdaj odgovarjam v angleščini, ker so naši članki pomoči v angleščini.",
    "sr": "За сада одговарам на енглеском, јер су наши чланци помоћи на енглеском.",
    "sv": "Jag svarar på engelska tills vidare, eftersom våra hjälpartiklar är på engelska.",
    "sw": "Kwa sasa ninajibu kwa Kiingereza, kwa sababu makala zetu za msaada ziko kwa Kiingereza.",
    "ta": "எங்கள் உதவிக் கட்டுரைகள் ஆங்கிலத்தில் உள்ளதால், தற்போது ஆங்கிலத்தில் பதிலளிக்கிறேன்.",
    "th": "ตอนนี้ฉันตอบเป็นภาษาอังกฤษ เพราะบทความช่วยเหลือของเราเป็นภาษาอังกฤษ",
    "tl": "Sa ngayon ay sasagot ako sa Ingles, dahil nasa Ingles ang aming mga artikulo ng tulong.",
    "tr": "Yardım makalelerimiz İngilizce olduğu için şimdilik İngilizce yanıt veriyorum.",
    "uk": "Поки що я відповідаю англійською, бо наші довідкові статті написані англійською.",
    "ur": "فی الحال میں انگریزی میں جواب دے رہا ہوں، کیونکہ ہمارے مددگار مضامین انگریزی میں ہیں۔",
    "vi": "Hiện tại tôi trả lời bằng tiếng Anh vì các bài viết trợ giúp của chúng tôi bằng tiếng Anh.",
    "zh": "由于我们的帮助文章是英文的，我目前用英文回答。",
}
FALLBACK_NOTICE = "I answer in English for now, because our help articles are in English."


def language_notice(language: str) -> str | None:
    """The one-sentence notice for a non-English message; None for English."""
    base = language.split("-")[0].lower()
    if base == "en":
        return None
    return ENGLISH_NOTICE.get(base, FALLBACK_NOTICE)
