"""What a sentence does, read from its words in each language the engine writes: whether it tells the reader to do
something (a step or a tip), gives advice, says why something matters or what happens next, carries a number or a
quotation, or is a line of code that reached the prose. The styles put each sentence where it answers: a news
thread's "What's next" only on a sentence about the future, a how-to's numbers only on steps.

A role is a plain word match, so it is cheap enough for every sentence of a long article and the same every time.
A language without tables here gets only the roles that need no words (number, quote, question, code).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# The roles a sentence can have.
STEP = "step"  # opens with an instruction: "Mix the flour", "Mélangez la farine", "Mischen Sie"
ADVICE = "advice"  # says what one should or should not do
MATTERS = "matters"  # says why something matters: a reason, a consequence, a stake
NEXT = "next"  # says what happens next: a plan, a date ahead, the future tense
NUMBER = "number"
QUOTE = "quote"  # someone's words in quotation marks, or reported with a speech verb
QUESTION = "question"
CODE = "code"  # a command or a line of a program, never prose
ORDERED = "ordered"  # in an item of a numbered list (set by the outline, which knows the list)


@dataclass(frozen=True)
class Cues:
    steps: frozenset[str]  # first words that give an instruction
    advice: frozenset[str]
    matters: frozenset[str]
    next: frozenset[str]  # words that say something is ahead
    future: frozenset[str]  # the future tense, which says so only with a time ("will open in March")
    when: frozenset[str]  # months, weekdays and seasons (a year is found by its digits)
    speech: frozenset[str]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CUES: dict[str, Cues] = {
    "en": Cues(
        steps=_words(
            "add adjust apply ask avoid bake boil bring build buy call cancel check choose clean click close combine "
            "compare connect consider copy cover create cut decide define delete divide do don't download drain "
            "drink enable fill find fix fold follow forget give go heat hold include install invite keep label learn "
            "leave let limit list listen look make measure mix move open pack pay pick place pour practise practice "
            "prepare press protect pull push put read reduce rehearse remember remove rename repeat replace restart "
            "restore review rinse run save schedule select send share shape skip slice speak spend split start stay "
            "stir stop store switch take talk taste tell think track try turn type unplug update upload use wait walk "
            "wash watch weigh wipe write never always"
        ),
        advice=_words("should shouldn't must mustn't need needs recommend recommends recommended worth don't"),
        matters=_words(
            "because means meaning matters matter important importance crucial essential impact affects affect "
            "risk risks consequence consequences therefore significant benefit benefits allows protects"
        ),
        next=_words("plans planned expected expects expect upcoming soon later tomorrow deadline starting"),
        future=_words("will won't"),
        when=_words(
            "january february march april may june july august september october november december monday tuesday "
            "wednesday thursday friday saturday sunday summer autumn winter spring"
        ),
        speech=_words("said says told added argued explained wrote noted warned insisted"),
    ),
    "de": Cues(
        steps=_words(
            "mach macht nimm nehmt gib gebt lass lasst plane plant prüfe prüft teste testet schreib schreibe "
            "schreibt lies lest nutze nutzt vermeide vermeidet achte achtet denk denke denkt stell stelle stellt "
            "leg lege legt setz setze setzt halte haltet fang fangt beginne beginnt miss messt wiege wiegt misch "
            "mische mischt rühr rühre rührt füge fügt gieß gießt koche kocht backe backt öffne öffnet schließe "
            "speichere sichere installiere starte startet wähle wählt frag frage fragt sprich sprecht geh geht "
            "bleib bleibt vergiss vergesst probier probiere probiert trink trinkt spare spart kauf kaufe kauft "
            "such suche sucht teile teilt notiere notiert knete knetet forme formt"
        ),
        advice=_words("sollte sollten solltest solltet müssen muss musst lohnt empfiehlt empfehlen empfehle ratsam"),
        matters=_words(
            "weil denn bedeutet bedeuten wichtig wichtige wichtigen entscheidend folgen auswirkungen risiko "
            "deshalb daher ermöglicht hilft helfen schützt kostet kosten vorteil vorteile"
        ),
        next=_words(
            "geplant plant planen künftig kommende kommenden nächste nächsten voraussichtlich demnächst bald morgen"
        ),
        future=_words("wird werden soll sollen"),
        when=_words(
            "januar februar märz april mai juni juli august september oktober november dezember montag dienstag "
            "mittwoch donnerstag freitag samstag sonntag sommer herbst winter frühjahr"
        ),
        speech=_words("sagte sagt erklärte erklärt meinte meint betonte betont sagten"),
    ),
    "fr": Cues(
        steps=_words(
            "mélange mélangez mélanger ajoute ajoutez ajouter prends prenez prendre fais faites faire mets mettez "
            "mettre laisse laissez laisser utilise utilisez utiliser évite évitez éviter pense pensez garde gardez "
            "commence commencez choisis choisissez vérifie vérifiez note notez lis lisez écris écrivez pose posez "
            "teste testez prévois prévoyez range rangez coupe coupez verse versez façonnez façonner pétrissez "
            "pétrir enfournez enfourner cuisez nourrissez n'oubliez n'hésitez"
        ),
        advice=_words("faut devez doit doivent devriez conseille conseillons recommande vaut"),
        matters=_words(
            "parce car signifie important importante importants essentiel essentielle impact conséquences risque "
            "risques permet permettent aide coûte donc enjeu"
        ),
        next=_words("prochain prochaine prochains prochaines prévu prévue prévus prévoit bientôt demain"),
        future=_words("sera seront devrait devraient commencera ouvrira"),
        when=_words(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi "
            "mercredi jeudi vendredi samedi dimanche été automne hiver printemps"
        ),
        speech=_words("dit déclare déclaré explique expliqué affirme affirmé ajoute ajouté"),
    ),
    "es": Cues(
        steps=_words(
            "usa use usad utiliza utilice añade añada mezcla mezcle deja deje evita evite elige elija haz haga pon "
            "ponga lee lea escribe escriba prueba pruebe revisa revise comprueba compruebe guarda guarde empieza "
            "empiece comienza comience piensa piense apunta anota pide pida trae traiga busca busque toma tome "
            "corta corte calienta caliente"
        ),
        advice=_words("debe debes deben deberías debería conviene recomienda vale"),
        matters=_words(
            "porque significa importante importantes clave impacto consecuencias riesgo permite permiten ayuda "
            "cuesta esencial"
        ),
        next=_words("próximo próxima próximos prevé previsto prevista previstos previstas pronto mañana"),
        future=_words("será serán comenzará empezará abrirá"),
        when=_words(
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes "
            "martes miércoles jueves viernes sábado domingo verano otoño invierno primavera"
        ),
        speech=_words("dijo dice afirmó explicó añadió señaló"),
    ),
    "pt": Cues(
        steps=_words(
            "use usa utilize adicione misture deixe evite escolha faça coloque leia escreva teste verifique guarde "
            "comece pense anote peça traga procure tome corte aqueça experimente lembre"
        ),
        advice=_words("deve deves devem convém recomenda vale precisa"),
        matters=_words(
            "porque significa importante importantes essencial impacto consequências risco permite permitem ajuda custa"
        ),
        next=_words("próximo próxima próximos prevê previsto prevista previstos previstas breve amanhã"),
        future=_words("será serão começará deverá abrirá vai vão"),
        when=_words(
            "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro segunda "
            "terça quarta quinta sexta sábado domingo verão outono inverno primavera"
        ),
        speech=_words("disse diz afirmou explicou acrescentou"),
    ),
    "it": Cues(
        steps=_words(
            "usa usate utilizza utilizzate aggiungi aggiungete mescola mescolate lascia lasciate evita evitate "
            "scegli scegliete fai fate metti mettete leggi leggete scrivi scrivete prova provate controlla "
            "controllate conserva conservate inizia iniziate pensa pensate annota chiedi chiedete porta portate "
            "cerca cercate prendi prendete taglia tagliate scalda"
        ),
        advice=_words("deve devi dovete bisogna conviene consiglia vale"),
        matters=_words(
            "perché significa importante importanti fondamentale impatto conseguenze rischio permette permettono "
            "aiuta costa essenziale"
        ),
        next=_words("prossimo prossima prossimi previsto prevista previsti previste prevede presto domani"),
        future=_words("sarà saranno inizierà dovrebbe aprirà"),
        when=_words(
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre lunedì "
            "martedì mercoledì giovedì venerdì sabato domenica estate autunno inverno primavera"
        ),
        speech=_words("detto dice spiega spiegato afferma aggiunge"),
    ),
}

_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NEXT = re.compile(r"\bnext\b(?!\s+to\b)", re.IGNORECASE)  # "next week", not "next to the backups"
_QUOTE_MARKS = re.compile(r"[\"«»“”„]")
# Marks of a program or a command line; prose has them rarely, and never two kinds with no sentence ending.
_CODE_MARK = re.compile(r"[{}<>;=|\\$`]|\(\)|--\w|::|->|=>|_\w|\.\w+\(|/\w+/")
_PROMPT = re.compile(r"^(?:\$|#|>>>|C:\\)\s")
_SENTENCE_END = (".", "!", "?", "…", '"', "»", "”", "“", ")")


def looks_like_code(text: str) -> bool:
    """A command or a line of a program: a shell prompt, or two marks of code in text that does not end as a
    sentence does."""
    if _PROMPT.match(text):
        return True
    return not text.rstrip().endswith(_SENTENCE_END) and len(_CODE_MARK.findall(text)) >= 2


def roles(text: str, lowered: Sequence[str], language: str) -> frozenset[str]:
    """What the sentence `text` (whose words in lower case are `lowered`) does, as a set of the roles above."""
    found: set[str] = set()
    if _NUMBER.search(text):
        found.add(NUMBER)
    if text.endswith("?"):
        found.add(QUESTION)
    # Prose ends as a sentence does, so the pattern of code is searched only in the rest.
    if (not text.rstrip().endswith(_SENTENCE_END) or text[:1] in "$#>C") and looks_like_code(text):
        return frozenset({*found, CODE})
    cues = CUES.get(language)
    words = frozenset(lowered)
    if _QUOTE_MARKS.search(text) or (cues and not cues.speech.isdisjoint(words)):
        found.add(QUOTE)
    if cues is None or not lowered:
        return frozenset(found)
    if QUESTION not in found and (lowered[0] in cues.steps or _formal_imperative(lowered, language)):
        found.add(STEP)
    if not cues.advice.isdisjoint(words):
        found.add(ADVICE)
    if (
        not cues.next.isdisjoint(words)
        or ("next" in words and language == "en" and _NEXT.search(text))
        or (not cues.future.isdisjoint(words) and (_YEAR.search(text) or not cues.when.isdisjoint(words)))
    ):
        found.add(NEXT)
    if not cues.matters.isdisjoint(words):
        found.add(MATTERS)
    return frozenset(found)


def _formal_imperative(lowered: Sequence[str], language: str) -> bool:
    """ "Mischen Sie ..." in German, "Mélangez ..." in French (not "chez" or "assez")."""
    first = lowered[0]
    if language == "de":
        return len(lowered) > 1 and lowered[1] == "sie" and first.endswith("en")
    if language == "fr":
        return len(first) > 5 and first.endswith("ez")
    return False
