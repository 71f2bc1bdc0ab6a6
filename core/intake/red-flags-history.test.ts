import { describe, expect, it } from "vitest";
import { disposition } from "../../test/helpers/shipped-red-flags";

describe("red flags: past history and small things set aside, the emergency kept", () => {
  it("sets aside a relative's stroke years ago when the patient asks about their own check-up", () => {
    expect(disposition("ru", "у мамы был инсульт 10 лет назад, мне 45, меня ничего не беспокоит. какие анализы сдать, чтобы проверить себя?")).toBeUndefined();
    expect(disposition("en", "my dad had a stroke years ago, so I want to check my own blood pressure, no symptoms")).toBeUndefined();
    expect(disposition("az", "atam 5 il əvvəl insult keçirib, mənim heç bir şikayətim yoxdur, özümü yoxlatmaq istəyirəm")).toBeUndefined();
    // the relative's stroke today is no history, and a new stroke is read by its signs
    expect(disposition("ru", "у мамы инсульт прямо сейчас, что делать?")).toBe("emergency");
    expect(disposition("ru", "у отца был инсульт 10 лет назад, мне 40, хочу проверить себя, а сейчас у меня перекосило лицо")).toBe("emergency");
  });

  it("sets aside a stroke recovering at home asked about exercises, not a stroke again", () => {
    expect(disposition("ru", "папа после инсульта идет на поправку, какие упражнения для руки?")).toBeUndefined();
    expect(disposition("ky", "чоң атам инсульттан кийин жакшырып жатат, кандай көнүгүүлөр керек")).toBeUndefined();
    expect(disposition("en", "my grandad is much better after his stroke, any exercises for his hand? today his face is drooping")).toBe("emergency");
  });

  it("sets aside an old faint told years or last year ago and investigated, not a faint today", () => {
    expect(disposition("en", "passed out once 2 yrs ago in the heat, got checked, all normal. do I put it on my licence form?")).toBeUndefined();
    expect(disposition("az", "ötən il huşumu itirmişdim, yoxladılar, hər şey normal idi")).toBeUndefined();
    expect(disposition("az", "ötən il huşumu itirmişdim, bu gün yenə huşumu itirdi")).toBe("emergency");
  });

  it("reads a childhood anaphylaxis asked about for a new prescription as history, the signs as anaphylaxis", () => {
    expect(disposition("en", "had anaphylaxis to nuts as a child, fine since, need a new epipen prescription")).toBeUndefined();
    expect(disposition("ru", "в детстве был отек Квинке, сейчас всё хорошо, нужен рецепт на адреналин")).toBeUndefined();
    expect(disposition("en", "had anaphylaxis as a child, fine since, just ate a peanut and my lips are swelling")).toBe("emergency");
    expect(disposition("en", "I think this is anaphylaxis, he was stung by a bee")).toBe("emergency");
  });

  it("does not read 'сдохнуть хочу' from hay fever as a wish to die, nor a small blister as a large burn", () => {
    expect(disposition("ru", "сдохнуть хочу от этого пуха, чихаю весь день")).toBeUndefined();
    expect(disposition("ru", "хочу сдохнуть, всё надоело")).toBe("emergency");
    expect(disposition("ky", "ысык май чачырап кетти, кичинекей ыйлаакча бар")).toBeUndefined();
    expect(disposition("ky", "кайнак суу төгүлүп кетти, бүт буту ыйлаакчалар")).toBe("emergency");
    expect(disposition("en", "burnt my finger, blister the size of a pea, should i pop it")).toBeUndefined();
    expect(disposition("en", "she swallowed a blister of pills an hour ago")).toBe("emergency");
  });

  it("catches lay words the rules lacked: heads clashed, a fit with no coming round, barely answering, hidden tablets", () => {
    expect(disposition("ru", "столкнулся головами на тренировке, вырвал, спрашивает одно и то же")).toBe("emergency");
    expect(disposition("ru", "маму трясёт, не очнулась")).toBe("emergency");
    expect(disposition("en", "on insulin, really drowsy and barely answering me")).toBe("emergency");
    expect(disposition("en", "ive decided tonight is it, letters are written")).toBe("emergency");
    expect(disposition("ky", "баарын бүтүрөм, таблеткаларды жашырып койдум")).toBe("emergency");
    expect(disposition("uz", "yashashdan manosi yo'q")).toBe("emergency");
    expect(disposition("ky", "аары чакты, эрди шишип кетти")).toBe("emergency");
  });

  it("sets aside a relative's past illness asked about for the writer's own prevention, in lay words of six languages", () => {
    expect(disposition("en", "my dad had a stroke 10 years ago, he's ok now. I'm 35, should I get checked for anything?")).toBeUndefined();
    expect(disposition("en", "my granddad had a stroke years back, im 42 and feel fine, how often should i check my cholesterol")).toBeUndefined();
    expect(disposition("ru", "дедушка умер от инсульта, мне 38, какие анализы сдать для профилактики?")).toBeUndefined();
    expect(disposition("uz", "otam 10 yil oldin insult bo'lgan, onamda qand bor, men 45 yoshdaman, qanday tekshiruvlar kerak")).toBeUndefined();
    expect(disposition("tg", "бобоям аз инсулт вафот кард 15 сол пеш, ман 40 солаам, дору лозим?")).toBeUndefined();
    expect(disposition("ky", "атам 15 жыл мурун инсульт болгон, мен 50 жаштамын, кандай текшерүүдөн өтөм")).toBeUndefined();
    expect(disposition("az", "atam 10 il əvvəl insult keçirib, mən 40 yaşındayam, hansı analizləri verim")).toBeUndefined();
    // the writer's own emergency next to the family history still raises it
    expect(disposition("en", "my dad had a stroke years ago, im 45, should i get checked? now my face is drooping and my speech is slurred")).toBe("emergency");
    expect(disposition("en", "my mum had a stroke years ago, I'm 50, I think I'm having a stroke")).toBe("emergency");
    expect(disposition("uz", "otam 10 yil oldin insult bo'lgan, men 45 yoshdaman, qandim 2.1, qanday tekshiruv kerak")).toBe("emergency");
    expect(disposition("ru", "у отца был инсульт 10 лет назад, мне 40, какие анализы? сахар 30, рвота, дышу часто, я диабетик")).toBe("emergency");
  });

  it("sets aside a fit weeks ago with the person well now, not a fit again today", () => {
    expect(disposition("en", "my son had a febrile seizure last month, hes totally fine now, should we give calpol early?")).toBeUndefined();
    expect(disposition("ky", "өткөн айда уулумду ысык менен талма кармап, азыр жакшы ойноп жүрөт, эмне кылабыз")).toBeUndefined();
    expect(disposition("uz", "otgan oy tutqanoq bo'lgan edi, hozir yaxshi, basseynga borsa bo'ladimi?")).toBeUndefined();
    expect(disposition("en", "he had a seizure last month, fine now, but today again a seizure")).toBe("emergency");
    expect(disposition("ky", "өткөн айда талма кармаган, азыр жакшы болчу, бүгүн кайра талма кармады")).toBe("emergency");
    expect(disposition("en", "had a seizure last month, fine now, he is fitting right now")).toBe("emergency");
  });

  it("does not read a breathless panic before a talk with a normal ECG as an asthma attack, nor a heart-squeeze idiom as chest pain", () => {
    expect(disposition("en", "heart racing and I feel like I can't breathe before presentations, goes away after. ECG last month was normal")).toBeUndefined();
    expect(disposition("en", "I can't breathe, it's getting worse")).toBe("emergency");
    expect(disposition("en", "breathless before talks, goes away, ECG was normal, but now my inhaler is not helping and my lips are blue")).toBe("emergency");
    expect(disposition("uz", "юрагим сиқилиб кетди ўғлим ҳақида ўйлайман, юрагим оғримайди, тинчлантирувчи чой ичсам бўладими")).toBeUndefined();
    expect(disposition("uz", "yuragim siqilyapti, chap qo'limga o'tyapti, sovuq ter bosdi")).toBe("emergency");
    expect(disposition("uz", "ko'kragim siqilyapti yarim soatdan beri")).toBe("emergency");
  });

  it("does not read 'всё хорошо, таблетки пьёт' as all the tablets swallowed", () => {
    expect(disposition("ru", "после инфаркта стент поставили, сейчас всё хорошо таблетки пьёт, можно ли в баню?")).toBeUndefined();
    expect(disposition("ru", "она выпила все таблетки из аптечки")).toBe("emergency");
  });

  it("catches a loaded shotgun with letters written, notes left for whoever finds me, 30 tablets counted in 'штук'", () => {
    expect(disposition("en", "since my wife passed i dont see the point. the shotgun is loaded in the barn and ive written letters to the kids")).toBe("emergency");
    expect(disposition("en", "i'm doing it tonight, i just don't want my mom to be the one who finds me")).toBe("emergency");
    expect(disposition("ru", "подруга выпила парацетамол, говорит штук 30, часа 3 назад")).toBe("emergency");
    expect(disposition("ru", "выпила таблетку от головы, купила штук 20 масок, можно ли гулять?")).toBeUndefined();
  });

  it("does not read 'I no longer wake at night' as unconsciousness, nor a pitch-black screen as black stools", () => {
    expect(disposition("uz", "йўтал камайди, кечаси уйғонмаяпман энди")).toBeUndefined();
    expect(disposition("az", "oskuruk azaldi, geceler daha oyanmiram")).toBeUndefined();
    // The patient's own "I don't wake" only: "he does not wake" stays unconsciousness (Kyrgyz "калдым"/"калды" is
    // one letter apart, which a typo forgives, so its "I didn't wake" is left a false alarm: triage-eval.test.ts).
    expect(disposition("uz", "otam hushidan ketdi, uyg'onmayapti")).toBe("emergency");
    expect(disposition("ky", "атам түнү жатып, эртең менен ойгонбой калды")).toBe("emergency");
    expect(disposition("az", "atam gecə yatdı, səhər oyanmır")).toBe("emergency");
    expect(disposition("uz", "ekran qop-qora, doktorni ko'rmayapman")).toBeUndefined();
    expect(disposition("uz", "axlatim qop-qora, boshim aylanyapti")).toBe("emergency");
  });
});

describe("red flags: blind-20/21's look-alikes set aside, the emergency with the same words kept", () => {
  it("sets aside a child's nose that does not breathe, with snoring, an open mouth or adenoids, not a child who does not breathe", () => {
    expect(disposition("en", "my 3 month old is not breathing through her nose at night, all snuffly and snorty, feeding fine")).toBeUndefined();
    expect(disposition("uz", "o'g'lim kechasi burni bilan nafas olmayapti, og'zini ochib xurrak otib uxlaydi, adenoid dedi")).toBeUndefined();
    expect(disposition("tg", "писарам шаб бо бинӣ нафас намегирад, даҳонаш кушода хуррак мекашад")).toBeUndefined();
    expect(disposition("ky", "уулум түнү мурду менен дем албайт, оозун ачып коңурук тартып уктайт")).toBeUndefined();
    expect(disposition("az", "oğlum gecə burnu ilə nəfəs almır, ağzını açıb xoruldayaraq yatır")).toBeUndefined();
    expect(disposition("ru", "сын ночью не дышит носом, храпит с открытым ртом, лор сказал аденоиды")).toBeUndefined();
    expect(disposition("en", "my baby has a blocked nose and snores, now she's not breathing and going blue")).toBe("emergency");
    expect(disposition("ky", "балам коңурук тартчу эле, азыр дем албай калды, мурду бүтүп калган")).toBe("emergency");
    expect(disposition("az", "uşaq xoruldayırdı, indi nəfəs almır, adenoid var")).toBe("emergency");
  });

  it("sets aside an 'overdose' of coffee or energy drinks, not one of tablets taken with coffee", () => {
    expect(disposition("en", "overdosed on coffee at work haha, jittery, how much caffeine a day is safe?")).toBeUndefined();
    expect(disposition("ru", "у меня передоз кофе походу, выпил 4 энергетика, руки трясутся")).toBeUndefined();
    expect(disposition("en", "she took an overdose of paracetamol with coffee an hour ago")).toBe("emergency");
    expect(disposition("ru", "передоз таблеток, запила кофе")).toBe("emergency");
    expect(disposition("en", "my son overdosed, he's barely awake")).toBe("emergency");
  });

  it("reads 'I want to die' laughed off over hay fever or period pain as an idiom, not a wish to die with a laugh", () => {
    expect(disposition("en", "my hayfever is killing me, honestly want to die every time the pollen count is high lol")).toBeUndefined();
    expect(disposition("en", "honestly i want to die every time my period comes lol the cramps are so bad")).toBeUndefined();
    expect(disposition("tg", "аз дасти ин аллергия мурдан мехоҳам хахах, атса мезанам")).toBeUndefined();
    expect(disposition("en", "haha honestly i want to die, nobody would even notice")).toBe("emergency");
    expect(disposition("en", "i want to die every time my period comes, the cramps are so bad")).toBe("emergency");
    expect(disposition("en", "lol hayfever is the least of it, i want to die, the rope is ready tonight")).toBe("emergency");
  });

  it("sets aside an epilepsy without fits for 30 years asked about for travel, not a fit now", () => {
    expect(disposition("ru", "у дедушки в молодости были эпилептические припадки, уже 30 лет не было, нужны документы на таблетки на границе?")).toBeUndefined();
    expect(disposition("en", "grandad had epilepsy as a young man, hasnt had a fit in 30 years, what papers for his tablets at the border?")).toBeUndefined();
    expect(disposition("ru", "у дедушки эпилепсия, 30 лет не было припадков, а сейчас снова припадок")).toBe("emergency");
    expect(disposition("ru", "у сына припадок, пена изо рта")).toBe("emergency");
  });

  it("does not read the Kyrgyz 'сактайм' (I keep) as the Tajik 'сакта' (stroke)", () => {
    expect(disposition("ky", "инсулинди учакта кантип алып барам? ал жакта ысык, кантип сактайм")).toBeUndefined();
    expect(disposition("tg", "падарам сакта кард, забонаш гап намезанад")).toBe("emergency");
    expect(disposition("tg", "бобоям сактаи мағзи сар шуд")).toBe("emergency");
  });

  it("reads an Azerbaijani blocked nose ('burnum tutulub') beside the throat as a cold, a closing throat with a sign as anaphylaxis", () => {
    expect(disposition("az", "18 həftəlik hamiləyəm, 3 gündür burnum tutulub boğazım qaşınır, hansı dərman olar?")).toBeUndefined();
    expect(disposition("az", "arı sancdı, boğazım tutulur")).toBe("emergency");
    expect(disposition("az", "burnum tutulub, boğazım tutulur, nəfəs ala bilmirəm")).toBe("emergency");
  });
});
