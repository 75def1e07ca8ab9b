import pytest

from models.nlp.emotion import EmotionDetector
from models.nlp.entities import extract_entities
from models.nlp.language import LanguageDetector
from models.nlp.sentiment import SentimentAnalyzer


def test_entities_find_errors_limits_ids_and_emails() -> None:
    text = (
        "I get 'System.LimitException: Too many SOQL queries: 101' on account 0015g00000ABCdeAAA, "
        "and FIELD_CUSTOM_VALIDATION_EXCEPTION; write to ops@example.com. SOQL is fine."
    )
    found = {(e.kind, e.text) for e in extract_entities(text)}
    assert ("error", "System.LimitException") in found
    assert ("error", "FIELD_CUSTOM_VALIDATION_EXCEPTION") in found
    assert ("limit", "Too many SOQL queries: 101") in found
    assert ("record_id", "0015g00000ABCdeAAA") in found
    assert ("email", "ops@example.com") in found
    assert ("error", "SOQL") not in found


def test_entities_ignore_words_that_only_look_like_ids() -> None:
    assert [e for e in extract_entities("internationalization is hard") if e.kind == "record_id"] == []


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("This STILL does not work!! I tried everything", "frustration"),
        ("This is ridiculous and unacceptable", "anger"),
        ("URGENT: production is down", "urgency"),
        ("What does this error mean? I'm confused", "confusion"),
        ("How do I reset my password?", "neutral"),
    ],
)
def test_emotion_labels(text: str, label: str) -> None:
    sentiment = SentimentAnalyzer().analyze(text)
    assert EmotionDetector().detect(text, sentiment.score).label == label


def test_sentiment_labels() -> None:
    analyzer = SentimentAnalyzer(-0.3)
    assert analyzer.analyze("This is terrible, I hate it").label == "negative"
    assert analyzer.analyze("Thanks, that was great help!").label == "positive"
    assert analyzer.analyze("How do I create a report?").label == "neutral"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I get System.LimitException: Too many SOQL queries: 101 in my trigger, how do I fix it?", "en"),
        ("Je ne peux pas me connecter à Salesforce depuis ce matin", "fr"),
        ("Wie kann ich einen Bericht erstellen?", "de"),
        ("¿Cómo restablezco mi contraseña?", "es"),
        ("كيف يمكنني إعادة تعيين كلمة المرور", "ar"),
        ("hi", "en"),
    ],
)
def test_language_detection(text: str, code: str) -> None:
    assert LanguageDetector().detect(text).code == code
