"""Language detection on short messages: a labelled set written for csagent, 29 languages.

The figure this set gave when the detector was chosen (models/nlp/language.py): py3langid restricted to the UI's
languages 0.94, lingua-language-detector 2.1.1 0.89, the old "under 12 letters is English" rule 0.47.
"""

from __future__ import annotations

import pytest

from models.nlp.language import SUPPORTED, LanguageDetector

SHORT_MESSAGES: list[tuple[str, str]] = [
    ("hola", "es"),
    ("¿y ahora?", "es"),
    ("gracias, funcionó", "es"),
    ("no puedo entrar", "es"),
    ("necesito ayuda con mi contraseña", "es"),
    ("¿cómo restablezco mi contraseña?", "es"),
    ("merci beaucoup", "fr"),
    ("bonjour", "fr"),
    ("ça ne marche pas", "fr"),
    ("je n'arrive pas à me connecter", "fr"),
    ("et maintenant ?", "fr"),
    ("mot de passe oublié", "fr"),
    ("danke schön", "de"),
    ("es funktioniert nicht", "de"),
    ("ich kann mich nicht anmelden", "de"),
    ("Passwort vergessen", "de"),
    ("und jetzt?", "de"),
    ("guten Morgen", "de"),
    ("obrigado", "pt"),
    ("não consigo entrar", "pt"),
    ("esqueci minha senha", "pt"),
    ("e agora?", "pt"),
    ("bom dia, preciso de ajuda", "pt"),
    ("grazie mille", "it"),
    ("non riesco ad accedere", "it"),
    ("ho dimenticato la password", "it"),
    ("buongiorno", "it"),
    ("bedankt", "nl"),
    ("ik kan niet inloggen", "nl"),
    ("wachtwoord vergeten", "nl"),
    ("dziękuję", "pl"),
    ("nie mogę się zalogować", "pl"),
    ("zapomniałem hasła", "pl"),
    ("cześć", "pl"),
    ("teşekkürler", "tr"),
    ("giriş yapamıyorum", "tr"),
    ("şifremi unuttum", "tr"),
    ("merhaba", "tr"),
    ("спасибо", "ru"),
    ("не могу войти", "ru"),
    ("забыл пароль", "ru"),
    ("привет", "ru"),
    ("дякую", "uk"),
    ("не можу увійти", "uk"),
    ("забув пароль", "uk"),
    ("密码重置", "zh"),
    ("谢谢", "zh"),
    ("我无法登录", "zh"),
    ("怎么办？", "zh"),
    ("パスワードを忘れました", "ja"),
    ("ありがとう", "ja"),
    ("ログインできません", "ja"),
    ("こんにちは", "ja"),
    ("비밀번호를 잊어버렸어요", "ko"),
    ("감사합니다", "ko"),
    ("로그인이 안 돼요", "ko"),
    ("شكرا", "ar"),
    ("لا أستطيع تسجيل الدخول", "ar"),
    ("نسيت كلمة المرور", "ar"),
    ("مرحبا", "ar"),
    ("תודה רבה", "he"),
    ("אני לא מצליח להתחבר", "he"),
    ("שכחתי את הסיסמה", "he"),
    ("धन्यवाद", "hi"),
    ("मैं लॉगिन नहीं कर पा रहा हूँ", "hi"),
    ("पासवर्ड भूल गया", "hi"),
    ("ممنون", "fa"),
    ("نمی‌توانم وارد شوم", "fa"),
    ("ευχαριστώ", "el"),
    ("δεν μπορώ να συνδεθώ", "el"),
    ("ขอบคุณ", "th"),
    ("cảm ơn", "vi"),
    ("tôi không thể đăng nhập", "vi"),
    ("terima kasih", "id"),
    ("saya tidak bisa masuk", "id"),
    ("tack så mycket", "sv"),
    ("jeg kan ikke logge inn", "nb"),
    ("kiitos", "fi"),
    ("en pääse kirjautumaan", "fi"),
    ("köszönöm", "hu"),
    ("děkuji", "cs"),
    ("nemůžu se přihlásit", "cs"),
    ("hello", "en"),
    ("thanks!", "en"),
    ("ok", "en"),
    ("and now?", "en"),
    ("it still fails", "en"),
    ("I can't log in", "en"),
    ("reset my password", "en"),
    ("System.LimitException: Too many SOQL queries: 101", "en"),
]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


def test_short_messages_accuracy(detector: LanguageDetector) -> None:
    wrong = [(text, code, detector.detect(text).code) for text, code in SHORT_MESSAGES]
    wrong = [row for row in wrong if row[1] != row[2]]
    accuracy = 1 - len(wrong) / len(SHORT_MESSAGES)
    print(f"\nshort-message language accuracy {accuracy:.3f}; wrong: {wrong}")
    assert len({code for _, code in SHORT_MESSAGES}) >= 12
    # Measured 0.944 (85 of 90); the floor leaves room for one or two more upsets, not for a regression.
    assert accuracy >= 0.92, wrong


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("merci beaucoup", "fr"),
        ("密码重置", "zh"),
        ("¿y ahora?", "es"),
        ("שכחתי את הסיסמה", "he"),
        ("ok", "en"),
    ],
)
def test_the_briefs_examples(detector: LanguageDetector, text: str, code: str) -> None:
    assert detector.detect(text).code == code


def test_only_the_uis_languages_come_out(detector: LanguageDetector) -> None:
    codes = {detector.detect(text).code for text, _ in SHORT_MESSAGES}
    assert codes <= set(SUPPORTED)
    # Norwegian comes back as the UI's `nb`, never py3langid's `no`.
    assert detector.detect("jeg kan ikke logge inn").code == "nb"


def test_technical_text_alone_is_english(detector: LanguageDetector) -> None:
    assert detector.detect("`UNABLE_TO_LOCK_ROW` 0015g00000AbCdEfGH").code == "en"
