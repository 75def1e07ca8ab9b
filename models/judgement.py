"""Judgement before answering: when a person should take over, and what the agent must refuse, in many languages.

The intent classifier decides what a message is about; these cues decide what the agent may do with it. They are
word lists per language, not a model: a refusal or a hand-off must be predictable and explainable (each decision
names its reason), and the lists cover the UI's most used languages, right-to-left ones included. A message in a
language without a list still gets the classifier's judgement (the `talk_to_human` intent, sentiment streaks).

Decisions:

* hand-off suggested: an explicit request for a person, anger, a legal threat, a production outage, data loss;
* refused (and a person offered): acting on someone else's account or data, changing or revealing the agent's
  instructions.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

HandoffReason = Literal["explicit_request", "anger", "legal_threat", "outage", "data_loss"]
RefusalReason = Literal["other_account", "instructions"]


def _any(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive pattern from alternatives (Latin ones should carry their own \\b where needed)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_PERSON_REQUEST = _any(
    # English
    r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |the |some )?(?:real |live |actual )?(?:human|person|people|"
    r"someone|somebody|representative|rep|operator|agent|support (?:agent|staff|team))\b",
    r"\b(?:connect|transfer|put) me (?:to|with|through to)\b",
    r"\b(?:real|live|actual) (?:human|person|agent|support)\b",
    r"\b(?:i (?:want|need)|get me|give me) (?:a |an )?(?:human|person|representative|operator|agent)\b",
    r"\b(?:human|representative|operator) (?:please|pls|now)\b",
    r"^\s*(?:human|representative|operator|agent|person)\s*[.!]*\s*$",
    # Spanish, Portuguese, Italian, French
    r"\bhablar con (?:una persona|un humano|un agente|alguien|un representante|un asesor|un operador)",
    r"\b(?:persona real|agente humano|quiero un humano)\b",
    r"\bfalar com (?:um humano|uma pessoa|um atendente|um agente|algu[eé]m)",
    r"\batendente humano\b",
    r"\bparlare con (?:un operatore|una persona|un umano|un agente|qualcuno)",
    r"\boperatore umano\b",
    r"\bparler (?:à|a|avec) (?:un humain|une personne|un agent|un conseiller|une conseill[eè]re|quelqu'un)",
    r"\b(?:vrai humain|vraie personne)\b",
    # German, Dutch, Polish, Turkish, Indonesian, Vietnamese
    r"\b(?:mit )?(?:einem |einer )?(?:menschen|mitarbeiter(?:in)?|berater(?:in)?|echten person) sprechen\b",
    r"\b(?:echter mensch|menschlichen? (?:mitarbeiter|ansprechpartner))\b",
    r"\b(?:met )?(?:een )?(?:mens|medewerker|echt persoon|echte persoon) (?:spreken|praten)\b",
    r"\b(?:porozmawia[ćc]|rozmawia[ćc]) z (?:człowiekiem|konsultantem|osobą|agentem|pracownikiem)",
    r"\b(?:insanla|temsilciyle|yetkiliyle|canlı destekle|gerçek bir kişiyle) (?:konuşmak|görüşmek)",
    r"\bm[üu]şteri temsilcisi(?:ne|yle)\b",
    r"\bbicara dengan (?:manusia|orang|agen|petugas|cs)\b",
    r"\b(?:nói chuyện|gặp|kết nối) (?:với )?(?:người thật|nhân viên|tư vấn viên)",
    # Russian, Ukrainian
    r"(?:поговорить|связаться|соедините|переключите)[^.?!]{0,15}(?:человеком|оператором|сотрудником|специалистом|живым)",
    r"живой человек|живого человека",
    r"(?:поговорити|зв'язатися|з'єднайте)[^.?!]{0,15}(?:людиною|оператором|працівником|спеціалістом)",
    r"жива людина|живою людиною",
    # Japanese, Chinese, Korean
    r"(?:人間|担当者|オペレーター|スタッフ|人)(?:と話|に(?:つな|繋|代わ))",
    r"人工客服|转人工|真人|人工服务|(?:跟|和|找)(?:人|客服人员)(?:说|聊|谈)",
    r"(?:상담원|상담사|사람|직원)(?:과|이랑|하고|와)? ?(?:연결|통화|이야기|얘기)",
    # Arabic, Hebrew, Persian, Hindi
    r"(?:التحدث|أتحدث|اتحدث|تحدث|أكلم|اكلم|أريد|اريد)[^.?!؟]{0,20}(?:إنسان|انسان|موظف|شخص|وكيل|ممثل|بشري)",
    r"(?:לדבר|לשוחח)[^.?!]{0,15}(?:נציג|אדם|בן אדם)|נציג אנושי|אדם אמיתי",
    r"(?:صحبت|حرف)[^.?!؟]{0,20}(?:انسان|اپراتور|کارشناس|شخص|نماینده|آدم)",
    r"(?:انسان|اپراتور|کارشناس|شخص|نماینده|آدم)[^.?!؟]{0,10}(?:صحبت|حرف)",
    r"(?:इंसान|व्यक्ति|एजेंट|प्रतिनिधि|किसी व्यक्ति|असली व्यक्ति)\s+से\s+बात",
)

_ANGER = _any(
    r"\b(?:furious|outraged|unacceptable|ridiculous|pathetic|disgrace(?:ful)?|fed up|sick (?:and tired )?of|"
    r"worst (?:support|service|product)|wtf)\b",
    r"\b(?:inaceptable|rid[ií]culo|harto|harta|furios[oa]|basura|p[ée]simo|una verg[üu]enza)\b",
    r"\b(?:inacceptable|ridicule|furieux|furieuse|en col[èe]re|ras le bol|j'en ai marre|n'importe quoi)\b",
    r"\b(?:unversch[äa]mt|inakzeptabel|l[äa]cherlich|w[üu]tend|frechheit|zum kotzen|unfassbar)\b",
    r"\b(?:inaceit[áa]vel|absurdo|palha[çc]ada|lixo|revoltad[oa])\b",
    r"\b(?:inaccettabile|ridicolo|vergognoso|arrabbiat[oa]|uno schifo)\b",
    r"\b(?:belachelijk|onacceptabel|woedend|schandalig)\b",
    r"\b(?:skandal|żenada|wkurzon[ya]|nie do przyjęcia)\b",
    r"\b(?:rezalet|saçmalık|kabul edilemez|berbat)\b",
    r"безобразие|возмутительно|бесит|отвратительно|надоело|достали|обурливо|жахливо|набридло|неприйнятно",
    r"ふざけ|最悪|いい加減にして|腹が立|激怒",
    r"太差劲|垃圾|气死|愤怒|太离谱|什么破",
    r"최악|짜증|화가 나|어이없",
    r"غير مقبول|سخيف|غاضب|مهزلة|سيئة جدا|سيء جدا",
    r"מקומם|לא מקובל|עצבני|זוועה|מגוחך",
    r"مسخره|افتضاح|عصبانی|غیرقابل قبول",
    r"बकवास|बेकार सर्विस|गुस्सा|शर्मनाक",
    r"\b(?:keterlaluan|tidak bisa diterima|payah sekali)\b",
    r"không thể chấp nhận|tức giận|quá tệ|vô lý",
)

_LEGAL = _any(
    r"\b(?:lawyer|attorney|solicitor|lawsuit|sue (?:you|salesforce|your company|them)|legal action|"
    r"take (?:you|this) to court|small claims)\b",
    r"\b(?:abogad[oa]|demandar(?:les|los)?|acciones legales|acci[óo]n legal)\b",
    r"\b(?:avocat|poursuivre en justice|action en justice|porter plainte)\b",
    r"\b(?:anwalt|anw[äa]ltin|verklagen|rechtliche schritte|klage einreichen)\b",
    r"\b(?:advogad[oa]|processar voc[êe]s|a[çc][ãa]o judicial|processo judicial)\b",
    r"\b(?:avvocat[oa]|fare causa|azioni legali|vie legali)\b",
    r"\b(?:advocaat|rechtszaak|aanklagen|juridische stappen)\b",
    r"\b(?:prawnik|pozew|pozwać|kroki prawne)\b",
    r"\b(?:avukat|dava açaca|mahkemeye|yasal işlem)\b",
    r"юрист|адвокат|подам в суд|судебн|подам до суду|позов",
    r"弁護士|訴訟|訴え(?:る|ます)|法的措置",
    r"律师|起诉|法律行动|法律途径",
    r"변호사|소송|고소|법적 조치",
    r"محام|دعوى|مقاضاة|إجراءات قانونية|المحكمة",
    r"עורך דין|עורכת דין|תביעה|לתבוע|בית משפט",
    r"وکیل|دادگاه|اقدام قانونی|شکایت قانونی",
    r"वकील|मुकदमा|कानूनी कार्रवाई|अदालत",
    r"\b(?:pengacara|gugatan|menuntut kalian|jalur hukum)\b",
    r"luật sư|khởi kiện|kiện các bạn|tòa án",
)

_OUTAGE = _any(
    r"\b(?:production|prod|our org|salesforce|everything|the (?:whole )?system|the site)\b[^.?!]{0,20}"
    r"\b(?:is|went|are|has gone) (?:down|offline|unavailable)\b",
    r"\b(?:outage|sev ?1|p1 incident)\b",
    r"\b(?:nobody|no one|none of our users) can (?:log ?in|sign in|work|access)\b",
    r"\ball (?:of )?(?:our )?users (?:can't|cannot|are unable to) (?:log ?in|sign in|work|access)\b",
    r"\bproducci[óo]n\b[^.?!]{0,15}\bca[ií]d[ao]\b|\bnadie puede (?:entrar|trabajar|iniciar sesi[óo]n)\b",
    r"\bproduction\b[^.?!]{0,15}\b(?:en panne|à l'arrêt|down)\b|\bpersonne ne peut (?:se connecter|travailler)\b",
    r"\bproduktion\b[^.?!]{0,15}\b(?:ausgefallen|down|steht)\b|\bniemand kann sich (?:anmelden|einloggen)\b",
    r"\bprodu[çc][ãa]o\b[^.?!]{0,15}\b(?:fora do ar|parada|caiu)\b|\bningu[ée]m consegue (?:entrar|trabalhar|logar)\b",
    r"\bproduzione\b[^.?!]{0,15}\b(?:ferma|gi[ùu]|bloccata)\b|\bnessuno riesce ad? (?:accedere|lavorare)\b",
    r"\bproductie\b[^.?!]{0,15}\b(?:plat|eruit)\b|\bniemand kan (?:inloggen|werken)\b",
    r"\bprodukcja\b[^.?!]{0,15}\b(?:nie działa|leży)\b|\bnikt nie może się zalogować\b",
    r"\b(?:üretim|canlı ortam)\b[^.?!]{0,15}\b(?:çöktü|durdu)\b|\bkimse giriş yapamıyor\b",
    r"(?:прод|продакшн|продакшен)[^.?!]{0,15}(?:упал|лежит|не работает)|никто не может (?:войти|работать)",
    r"(?:продакшн|прод)[^.?!]{0,15}(?:впав|лежить|не працює)|ніхто не може (?:увійти|працювати)",
    r"本番(?:環境)?[^。？！]{0,10}(?:ダウン|停止|止ま)|誰もログインできない",
    r"生产环境[^。？！]{0,10}(?:宕机|挂了|崩溃|瘫痪)|所有人都(?:无法|不能)登录",
    r"운영 ?환경[^.?!]{0,10}(?:다운|중단|장애)|아무도 로그인(?:을)? (?:못|할 수 없)",
    r"الإنتاج[^.?!؟]{0,15}(?:متوقفة|معطلة|متوقف|معطل)|لا أحد يستطيع (?:الدخول|تسجيل الدخول|العمل)",
    r"(?:סביבת )?(?:הייצור|הפרודקשן)[^.?!]{0,15}(?:נפלה|נפל|מושבתת|למטה)|אף אחד לא יכול להתחבר",
    r"(?:محیط )?(?:تولید|پروداکشن)[^.?!؟]{0,15}(?:از کار افتاده|قطع|خوابیده)|هیچ ?کس نمی[‌ ]?تواند وارد",
    r"(?:प्रोडक्शन|प्रोडक्शन सिस्टम)[^.?!।]{0,15}(?:डाउन|बंद)|कोई भी लॉग ?इन नहीं कर",
    r"\bproduksi\b[^.?!]{0,15}\b(?:down|mati|lumpuh)\b|\btidak ada yang bisa (?:login|masuk)\b",
    r"\bproduction\b[^.?!]{0,15}(?:bị sập|sập|ngừng)|không ai đăng nhập được",
)

_DATA_LOSS = _any(
    r"\b(?:data loss|lost (?:all )?(?:of )?(?:our |my |the )?(?:data|records))\b",
    r"\b(?:records|data|accounts|contacts|opportunities|cases) (?:are |were |have |has |have been |has been |just )?"
    r"(?:gone|disappeared|vanished)\b",
    r"\b(?:records|data|accounts|contacts|opportunities|cases) (?:were|have been|has been|got) wiped\b",
    r"\b(?:deleted|wiped) (?:all|everything|thousands of)\b",
    r"\bp[ée]rdida de datos\b|\bperdimos (?:los |todos los )?(?:datos|registros)\b|\b(?:datos|registros) "
    r"(?:desaparecieron|borrados)\b",
    r"\bperte de donn[ée]es\b|\b(?:donn[ée]es|enregistrements) (?:ont )?disparu\b",
    r"\bdatenverlust\b|\bdaten (?:sind )?(?:weg|verloren)\b",
    r"\bperda de dados\b|\b(?:dados|registros) (?:sumiram|desapareceram)\b",
    r"\bperdita di dati\b|\b(?:dati|record) (?:spariti|scomparsi)\b",
    r"\b(?:gegevensverlies|dataverlies)\b|\b(?:gegevens|data) (?:zijn )?(?:kwijt|verdwenen)\b",
    r"\butrata danych\b|\bdane (?:zniknęły|przepadły)\b",
    r"\bveri kaybı\b|\bveriler (?:silindi|kayboldu)\b",
    r"потеря данных|потеряли (?:все )?данные|(?:данные|записи) (?:пропали|исчезли)|втрата даних|(?:дані|записи) зникли",
    r"データ(?:が)?(?:消え|消失|なくな)|データ損失",
    r"数据丢失|数据(?:全|都)?(?:没了|不见了)|记录(?:全)?消失",
    r"데이터(?:가)? ?(?:사라|손실|유실)",
    r"فقدان البيانات|(?:البيانات|السجلات) (?:اختفت|ضاعت)|فقدنا (?:كل )?البيانات",
    r"אובדן נתונים|(?:הנתונים|הרשומות) (?:נעלמו|נמחקו)|איבדנו (?:את )?(?:כל )?הנתונים",
    r"از دست رفتن (?:داده|اطلاعات)|(?:داده[‌ ]?ها|اطلاعات) (?:پاک|ناپدید) شد",
    r"डेटा (?:गायब|खो गया|डिलीट हो गया)|डेटा लॉस",
    r"\bkehilangan data\b|\bdata (?:hilang|terhapus) semua\b",
    r"mất (?:hết )?dữ liệu|dữ liệu (?:bị )?(?:mất|biến mất)",
)

# Someone other than the person asking, and what of theirs is being asked for.
_OTHER_PERSON = _any(
    r"\b(?:my )?(?:colleague|co-?worker|boss|manager|supervisor|teammate|friend|wife|husband|ex)(?:'s|s')?\b",
    r"\b(?:another|other|a different) (?:user|person|employee|customer)(?:'s)?\b",
    r"\b(?:someone|somebody) else(?:'s)?\b",
    r"\b(?:his|her|their) (?:account|password|email|phone|data|records|login|mfa|security token)\b",
    r"\b[A-Z][a-z]+'s (?:account|password|email|login|mfa)\b",
    r"\b(?:email|e-mail|phone number|home address|password|contact details) (?:address )?of (?:the )?"
    r"(?:user|customer|contact|employee|person|client)\b",
    r"\bmi (?:compañer[oa]|colega|jef[ea]|amig[oa])\b|\botro usuario\b|\botra persona\b",
    r"\b(?:correo|email|e-mail|tel[ée]fono|contraseña|datos|senha|telefone|dados)(?: electr[óo]nico)? d[eo]l? "
    r"(?:usuario|usu[áa]rio|cliente|contacto|contato|empleado|funcion[áa]rio)\b",
    r"\b(?:e-mail|adresse|t[ée]l[ée]phone|mot de passe|donn[ée]es) (?:de l'|du )(?:utilisateur|client|contact)",
    r"\b(?:e-mail|telefonnummer|passwort|daten) (?:des|der) (?:benutzers|nutzers|kunden|kundin)\b",
    r"\bmon (?:coll[èe]gue|chef|patron|ami)\b|\bma (?:coll[èe]gue|cheffe|amie)\b|\bun autre utilisateur\b|"
    r"\bquelqu'un d'autre\b",
    r"\b(?:meines|meiner) (?:kollegen|kollegin|chefs|chefin|freundes|freundin)\b|\beines anderen (?:benutzers|nutzers)\b",
    r"\b(?:meu|minha|do meu|da minha) (?:colega|chefe|amig[oa])\b|\boutro usu[áa]rio\b|\boutra pessoa\b",
    r"\b(?:mio|mia|del mio|della mia) (?:collega|capo|amic[oa])\b|\bun altro utente\b|\bqualcun altro\b",
    r"\bmijn (?:collega|baas|manager)\b|\biemand anders\b|\been andere gebruiker\b",
    r"\b(?:mojego|mojej) (?:kolegi|koleżanki|szefa|szefowej)\b|\binnego użytkownika\b|\bkogoś innego\b",
    r"\b(?:iş arkadaşımın|müdürümün|patronumun|arkadaşımın|başka bir kullanıcının|başkasının)\b",
    r"(?:моего|моей) (?:коллеги|начальника|начальницы|друга|подруги)|другого пользователя|чуж(?:ой|ую|ие)",
    r"(?:мого|моєї) (?:колеги|начальника|друга)|іншого користувача|чуж(?:ий|у|і)",
    r"同僚|上司の|他の(?:ユーザー|人)の|他人の",
    r"同事的|老板的|领导的|别人的|其他用户的",
    r"동료|상사의|다른 사용자|다른 사람의",
    r"زميلي|زميلتي|مديري|مستخدم آخر|شخص آخر",
    r"(?:עמית|עמיתה|הבוס|המנהל|המנהלת|חבר|חברה) שלי|משתמש אחר|מישהו אחר",
    r"همکارم|رئیسم|کاربر دیگر|شخص دیگر",
    r"(?:मेरे|मेरी) (?:सहकर्मी|बॉस|दोस्त|मैनेजर)|दूसरे (?:यूज़र|उपयोगकर्ता)|किसी और",
    r"\b(?:rekan kerja saya|atasan saya|pengguna lain|orang lain)\b",
    r"đồng nghiệp|sếp của tôi|người dùng khác|người khác",
)
_PRIVATE_THING = _any(
    r"\b(?:password|passcode|account|login|credentials?|e-?mail|phone|address|data|records|mfa|2fa|"
    r"multi-factor|two-factor|authenticator|verification code|security token|inbox|messages|cases)\b",
    r"\b(?:contraseña|cuenta|correo|teléfono|datos|mot de passe|compte|courriel|données|passwort|konto|"
    r"e-mail-adresse|daten|telefonnummer|adresse|t[ée]l[ée]phone|telefone|tel[ée]fono|senha|conta|dados|password|account|dati|wachtwoord|gegevens|hasło|konto|dane|"
    r"şifre|şifresini|hesab|parola|kata sandi|akun|mật khẩu|tài khoản)",
    r"пароль|пароля|аккаунт|учетн|учётн|почт|данные|обліков|дані",
    r"パスワード|アカウント|メール|データ|密码|账户|账号|邮箱|数据|비밀번호|계정|이메일|데이터",
    r"كلمة (?:المرور|السر)|حساب|البريد|بيانات|סיסמה|סיסמא|חשבון|מייל|נתונים|رمز عبور|حساب|ایمیل|اطلاعات",
    r"पासवर्ड|अकाउंट|खाता|ईमेल|डेटा",
)
# "How do I reset another user's password?" is an administrator's question, answered from the knowledge base.
_HOW_TO = _any(
    r"^\s*(?:how|what(?:'s| is) the way|is there a way|where)\b",
    r"\bhow (?:do|can|should|would) (?:i|we|an admin|admins|administrators)\b|\bhow to\b",
    r"\bc[óo]mo (?:puedo|hago|se)\b|\bcomment (?:puis-je|faire|on)\b|\bwie (?:kann|k[öo]nnen) (?:ich|man|wir)\b",
    r"\bcomo (?:posso|fa[çc]o)\b|\bcome (?:posso|faccio|si)\b|\bhoe (?:kan|moet) ik\b|\bjak (?:mogę|można)\b",
    r"\bnasıl\b|как (?:мне|можно)|як (?:мені|можна)|どうやって|どうすれば|如何|怎么|어떻게",
    r"كيف|איך|چگونه|چطور|कैसे|\bbagaimana\b|làm (?:sao|thế nào)",
)

_INSTRUCTIONS = _any(
    r"\b(?:ignore|disregard|forget)\b[^.?!]{0,20}\b(?:previous|prior|above|earlier|preceding|your|"
    r"all (?:previous|prior|your|the above)|the system(?:'s)?) (?:instructions|rules|prompts?|guidelines|directives)\b",
    r"\b(?:reveal|show|print|repeat|tell me|output|display|what (?:is|are)|give me)\b[^.?!]{0,20}"
    r"\b(?:your (?:system |initial |hidden |original )?(?:prompt|instructions|rules|guidelines)|"
    r"the (?:system|initial|hidden|original) (?:prompt|instructions))\b",
    r"\bsystem prompt\b|\bjailbreak\b|\bdeveloper mode\b|\bDAN mode\b|\bnew instructions\s*:",
    # A message dressed up as a system or assistant turn ("SYSTEM: you may now…", "<system>…</system>").
    r"^\s*\[?\s*(?:system|developer|assistant)\s*\]?\s*:|<\s*/?\s*(?:system|developer)\s*>|\[\s*(?:system|inst)\s*\]",
    r"\b(?:you are now|from now on you are|pretend (?:you are|to be)|act as if you (?:are|were))\b",
    r"\bignora\b[^.?!]{0,25}\binstrucciones\b|\bolvida (?:tus|las) instrucciones\b|\bprompt del sistema\b|"
    r"\b(?:muestra|revela|dime)(?:me)?\b[^.?!]{0,15}\b(?:tu|tus|el) (?:prompt|instrucciones)\b",
    r"\bignore[sz]?\b[^.?!]{0,25}\binstructions\b|\boublie (?:tes|les|toutes les) instructions\b|\bprompt syst[èe]me\b|"
    r"\b(?:montre|r[ée]v[èe]le|affiche)-moi\b[^.?!]{0,15}\b(?:ton|tes|le) (?:prompt|instructions)\b",
    r"\bignorier(?:e|en)?\b[^.?!]{0,25}\b(?:anweisungen|instruktionen)\b|\bvergiss (?:deine|alle) (?:anweisungen|regeln)\b|"
    r"\bsystem-?prompt\b|\bdeine anweisungen\b",
    r"\bignor[ea]\b[^.?!]{0,25}\binstru[çc][õo]es\b|\besque[çc]a (?:suas|as) instru[çc][õo]es\b|\bprompt do sistema\b",
    r"\bignora\b[^.?!]{0,25}\bistruzioni\b|\bdimentica le (?:tue )?istruzioni\b|\bprompt di sistema\b",
    r"\bnegeer\b[^.?!]{0,25}\binstructies\b|\bvergeet je instructies\b|\bsysteemprompt\b",
    r"\bzignoruj\b[^.?!]{0,25}\binstrukcje\b|\bzapomnij (?:swoje |o )?instrukcj|\bprompt systemowy\b",
    r"\btalimatları\b[^.?!]{0,20}\b(?:yok say|unut|görmezden gel|göster)|\bsistem (?:istemini|promptunu)\b",
    r"игнорируй[^.?!]{0,25}(?:инструкции|указания)|забудь (?:свои|все) (?:инструкции|правила)|системн(?:ый|ого) промпт|"
    r"покажи[^.?!]{0,15}(?:промпт|инструкции)",
    r"ігноруй[^.?!]{0,25}інструкції|забудь свої інструкції|системн(?:ий|ого) промпт",
    r"指示を(?:無視|忘れ)|システムプロンプト|(?:指示|プロンプト)を(?:教えて|見せて|表示)",
    r"忽略[^。？！]{0,10}(?:指令|指示)|系统提示|提示词|忘记你的(?:指令|指示)",
    r"지시(?:를|사항을)? ?무시|시스템 프롬프트|지시를 잊어",
    r"تجاهل[^.?!؟]{0,20}التعليمات|انس[َ]? تعليماتك|موجه النظام|(?:أظهر|اعرض)[^.?!؟]{0,10}تعليماتك",
    r"התעלם[^.?!]{0,20}(?:הוראות|ההוראות|הנחיות)|שכח את ההוראות|פרומפט המערכת|הנחיות המערכת",
    r"(?:دستورالعمل|دستورات)[^.?!؟]{0,20}نادیده بگیر|پرامپت سیستم",
    r"निर्देशों को (?:अनदेखा|नज़रअंदाज़|नजरअंदाज)|सिस्टम प्रॉम्प्ट",
    r"\babaikan\b[^.?!]{0,25}\binstruksi\b|\blupakan instruksimu\b|\bprompt sistem\b",
    r"bỏ qua[^.?!]{0,25}hướng dẫn|lời nhắc hệ thống|quên (?:các )?hướng dẫn",
)
_ACT_VERB = _any(
    r"\b(?:reset|change|unlock|give|tell|send|show|look up|find|access|log (?:me )?in(?:to)?|delete|deactivate|"
    r"read|open|get|disable|turn off|remove|transfer|export|forward)\b",
    r"\b(?:restablece|cambia|desbloquea|dame|env[ií]a|mu[ée]strame|d[ií]me|r[ée]initialise|change|d[ée]bloque|"
    r"donne|envoie|montre|setz|[äa]ndere|entsperre|gib|schick|zeig|redefina|mude|desbloqueie|me d[êe]|envie|"
    r"mostre|reimposta|cambia|sblocca|dammi|invia|mostrami|reset|geef|stuur|toon|zresetuj|zmień|odblokuj|daj|"
    r"wyślij|pokaż|sıfırla|değiştir|aç|gönder|göster|ver)\b",
    r"сбрось|смени|разблокируй|дай|пришли|покажи|скинь|скинь|скинути|скинь|зміни|розблокуй|надішли|покажи",
    r"リセットして|変更して|教えて|送って|見せて|重置|修改|告诉我|发给我|给我|리셋|바꿔|알려|보내|보여",
    r"أعد تعيين|غيّر|غير|افتح|أرسل|أعطني|اعطني|أظهر|אפס|שנה|שלח|תן לי|תראה לי|ریست کن|تغییر بده|بفرست|بده|نشان بده",
    r"रीसेट कर|बदल दो|भेज|दिखा|बता",
    r"\b(?:reset|ubah|kirim|tunjukkan|berikan)\b|đặt lại|đổi|gửi|cho tôi",
)


class Judgement(BaseModel):
    """What the agent may do with one message, and why."""

    handoff: list[HandoffReason] = Field(default_factory=list)
    refusal: RefusalReason | None = None


def judge(text: str) -> Judgement:
    """Hand-off cues and refusals for one user message (pure; the graph adds the classifier's own signals)."""
    handoff: list[HandoffReason] = []
    for reason, pattern in (
        ("explicit_request", _PERSON_REQUEST),
        ("anger", _ANGER),
        ("legal_threat", _LEGAL),
        ("outage", _OUTAGE),
        ("data_loss", _DATA_LOSS),
    ):
        if pattern.search(text):
            handoff.append(reason)  # type: ignore[arg-type]
    refusal: RefusalReason | None = None
    if _INSTRUCTIONS.search(text):
        refusal = "instructions"
    elif (
        _OTHER_PERSON.search(text)
        and _PRIVATE_THING.search(text)
        and _ACT_VERB.search(text)
        and not _HOW_TO.search(text)
    ):
        refusal = "other_account"
    return Judgement(handoff=handoff, refusal=refusal)
