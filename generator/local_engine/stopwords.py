"""Words too common to say what a sentence is about, per language: they count for neither a sentence's score nor
the hashtags. A language without a list here gets none: its frequent words then score too, a lesser harm than
dropping its content words as if they were English filler."""

from __future__ import annotations

_WORDS = {
    "en": """a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how however i if in into is it its itself just let like made make many may me
might more most much must my myself no nor not now of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this those through to too
under until up upon us very was we were what when where which while who whom why will with within without would you
your yours yourself yourselves one two get got use used using said says say new way ways thing things lot really even
still every well back first last next day days time times year years week weeks people part kind""",
    "de": """aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis bist da
dabei damit dann das dass dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort du durch
ein eine einem einen einer eines einmal er es etwas euch euer für gegen gibt hat hatte hätte haben hier hin hinter
ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ist ja jede jedem jeden jeder jetzt kann kein keine können könnte
man mehr mein meine mich mir mit muss müssen nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine sich
sie sind so solche soll sollte sondern sowie über um und uns unser unter viel vom von vor war waren warum was weil
welche wenn wer werden wie wieder will wir wird wo wurde wurden zu zum zur zwei jahr jahre jahren heute immer sagt
sagte gut neue neuen ersten""",
    "fr": """alors au aucun aussi autre aux avec avoir avait bien c ce cela celle celui ces cet cette chaque comme
comment d dans de des deux doit donc dont du elle elles en encore entre est et été être eu fait faire il ils j je
jusqu l la le les leur leurs lors lui m ma mais me même mes moi moins mon n ne ni nos notre nous on ont ou où par pas
peu peut plus pour pourquoi qu quand que quel quelle quels qui s sa sans se selon ses si son sont sous sur t ta te
tes toi ton tous tout toute toutes très tu un une vers vos votre vous y ans année années aujourd hui dit faut fois
ainsi après avant depuis déjà""",
    "es": """a al algo algunos ante antes así aunque años cada como con contra cual cuando de del desde donde dos
durante e el ella ellas ellos en entre era es esa ese eso esta estaba están este esto estos fue fueron ha hace hacer
han hasta hay la las le les lo los más me mi mientras muy mucho nada ni no nos nosotros o otra otro otros para pero
poco por porque puede que quien se sea según ser si sido siempre sin sobre su sus también tan tanto te tiene tienen
todo todos tu un una uno unos ya año dijo vez veces día hoy cómo qué""",
    "pt": """a ao aos as até com como da das de dela dele deles depois do dos e ela elas ele eles em entre era essa
esse esta está estão este eu foi foram há isso isto já la lhe mais mas me mesmo meu minha muito na nas nem no nos
nós o os ou para pela pelas pelo pelos por porque quando que quem se sem ser seu seus só sua suas também te tem têm
tinha um uma umas uns você vocês ano anos disse vez vezes dia hoje ainda sobre pode podem""",
    "it": """a ad al alla alle allo agli anche ancora avere aveva che chi ci come con cosa cui da dal dalla dalle dei
del della delle dello degli di dove e è ed era essere fa fare fra gli ha hanno i il in io la le lei li lo loro lui
ma mi molto ne negli nei nel nella nelle no noi non o ogni per perché più poi può quale quando quanto quello questa
questo qui se sei si sia siamo sono su sua sue sugli sui sul sulla suo suoi tra tutti tutto un una uno voi anni anno
detto volta volte giorno oggi già sempre""",
}
STOPWORDS: dict[str, frozenset[str]] = {language: frozenset(words.split()) for language, words in _WORDS.items()}


def stopwords_for(language: str) -> frozenset[str]:
    return STOPWORDS.get(language, frozenset())
