import { describe, expect, it } from "vitest";
import { disposition } from "../../test/helpers/shipped-red-flags";

/** red-flag-history.ts: a past event told as over, in every rule; blind-26's four false alarms were such texts. */
describe("red flags: an emergency long ago and over is history, one today is not", () => {
  it("sets aside blind-26's four: a febrile fit last year, a stroke and two overdoses years ago, each well now", () => {
    expect(disposition("ru", "у сына в прошлом году были фебрильные судороги на температуре, невролог посмотрел сказал ничего страшного. сейчас ему 2 года, здоров, можно делать прививку по графику?")).toBeUndefined();
    expect(disposition("en", "Hi, I had a minor stroke 2 years ago, fully recovered, on clopidogrel and a statin. Planning to fly to Thailand, 11 hrs. Is that ok and do I need compression stockings?")).toBeUndefined();
    expect(disposition("en", "my brother overdosed on heroin about 5 years ago, hes been clean since and doing well. he asked if he can get a naloxone kit to keep at home, is that something your clinic does?")).toBeUndefined();
    expect(disposition("tg", "ҷиянам 3 сол пеш бисёр ҳаб хӯрда буд, ҳоло хуб аст, мактаб мехонад. мехоҳад бо психолог гап занад, дар клиникаи шумо ҳаст?")).toBeUndefined();
  });

  it("reads blind-27's six the same way: ages in childhood, 'no fits since', 'walks about now', a text read in two languages", () => {
    expect(disposition("ru", "у деда был инсульт в 60, у отца в 65. мне 40, чувствую себя нормально. какие обследования пройти чтобы проверить риск?")).toBeUndefined();
    expect(disposition("uz", "бувим 5 йил олдин инсульт булган, хозир юриб юрибди, факат кон суюлтирадиган дори ичади. шу дорини арзонрогига алмаштирса буладими")).toBeUndefined();
    expect(disposition("tg", "бибиям 4 сол пеш инсульт шуда буд, хозир мегардад, кардиомагнил менушад. арзонтараш хаст?")).toBeUndefined();
    // since blind-35 an age ("2 жашында", "1 yoshida") dates nothing: it also tells how old a poisoned child is now
    expect(disposition("ky", "балам 2 жашында температурадан талма болгон эле, азыр 6 жашта, андан бери болгон жок. мектепке чейин эмдоо салдырса болобу")).toBe("emergency");
    // "insult" is also read as the Russian "инсульт", a reading that finds no date of its own: the dated clause is set apart there too
    expect(disposition("az", "nenem 2 il evvel insult kecirib indi yaxsidi, kardiomaqnil icir. dis cekdirmek isteyir dermani dayandirmaq lazimdi?")).toBeUndefined();
    // since blind-35 "2 yasinda" dates nothing (see above)
    expect(disposition("az", "qizim 2 yasinda qizdirmadan qicolma kecirmisdi, indi 5 yasindadi o vaxtdan olmayib. peyvend vurdurmaq olar?")).toBe("emergency");
    // the same histories with today's emergency
    expect(disposition("az", "nenem 2 il evvel insult kecirib indi yaxsidi, bu gun seher uzu eyildi danisa bilmir")).toBe("emergency");
    expect(disposition("ky", "балам 2 жашында талма болгон эле, андан бери болгон жок, бүгүн кайра талмасы кармап 10 мүнөттөн бери токтобой жатат")).toBe("emergency");
  });

  it("reads six of blind-28's twelve: recovered half a year on, 'doing great now', 'nothing since', a stroke '3 il qabaq', an uncle who died", () => {
    expect(disposition("ru", "мама перенесла инсульт полгода назад, восстановилась почти полностью. хотим записаться к неврологу на плановый осмотр и продлить рецепты")).toBeUndefined();
    expect(disposition("en", "My dad had a stroke 18 months ago and he's doing great now. The travel insurance company wants a letter saying he's fit to fly. Can the GP do that?")).toBeUndefined();
    // since blind-35 an age ("2 жашында", "1 yoshida") dates nothing: it also tells how old a poisoned child is now
    expect(disposition("uz", "oglimni 1 yoshida isitmadan tutqanoq bolgan edi xozir 5 yoshda hech narsa yoq emlash qilsak boladimi")).toBe("emergency");
    expect(disposition("tg", "бародари падарам дар 50 солаги аз сактаи дил фавтид ба ман хам хавф хаст кадом ташхисро гузарам")).toBeUndefined();
    expect(disposition("tg", "писарам дар 1 солаги аз харорат тутканок шуда буд хозир 5 сола хеч чиз нест эмкуни кунем мешавад")).toBeUndefined();
    expect(disposition("az", "nenem 3 il qabaq insult kecirib, indi ozu gezir ozu yemek yeyir. qrip peyvendi vurdurmaq olar?")).toBeUndefined();
    // today's emergency beside the same histories
    expect(disposition("ru", "мама перенесла инсульт полгода назад, восстановилась почти полностью, а сегодня утром перекосило лицо и не говорит")).toBe("emergency");
    expect(disposition("en", "My dad had a stroke 18 months ago and he's doing great, but tonight his face dropped and he can't lift his arm")).toBe("emergency");
  });

  it("reads 'nothing since' as said even with 'I take no medicine' after it, and the pills named beside 'well now' as history", () => {
    expect(disposition("ky", "5 жыл мурун бир жолу талма кармаган, андан бери эч нерсе болгон жок дары ичпейм. таксиде иштейм, права учун справка берсениздер болобу")).toBeUndefined();
    expect(disposition("az", "12 yasimda bir defe qicolma olub, ondan 15 il kecib hec ne olmayib derman icmirem. taksi surucusuyem prava ucun spravka vere bilersiz?")).toBeUndefined();
    expect(disposition("en", "took an overdose about 2 years ago, been well for a long time now on sertraline. would like to talk about coming off it slowly, no rush")).toBeUndefined();
    expect(disposition("ky", "5 жыл мурун талма кармаган, андан бери эч нерсе болгон жок, бүгүн кайра кармап, 10 мүнөттөн бери токтобой жатат")).toBe("emergency");
    expect(disposition("en", "took an overdose 2 years ago, been well since, but tonight he swallowed a whole box of sertraline and is very drowsy")).toBe("emergency");
  });

  it("keeps the emergency the rest of the text describes", () => {
    expect(disposition("ru", "Год назад был инсульт, восстановился хорошо. Перекосило лицо и не может говорить")).toBe("emergency");
    expect(disposition("en", "my dad had a heart attack 3 years ago and recovered well, now crushing chest pain going into his left arm and sweating")).toBe("emergency");
    expect(disposition("ky", "атам 2 жыл мурун инсульт болгон, азыр жакшы. бети кыйшайып, сүйлөй албай калды")).toBe("emergency");
  });

  it("keeps every rule when the rest says today or again, or the text never says the person is well", () => {
    expect(disposition("ru", "в прошлом месяце пытался покончить с собой, сейчас всё нормально, но таблетки собрал и сегодня хочу закончить")).toBe("emergency");
    expect(disposition("ru", "в прошлом месяце пытался покончить с собой, таблетки дома, снова хочу")).toBe("emergency");
    expect(disposition("ru", "родила 2 недели назад всё было хорошо а сегодня сильное кровотечение")).toBe("emergency");
    expect(disposition("en", "he overdosed 5 years ago, clean since, but tonight he took a whole pack of pills and wont wake up")).toBe("emergency");
    expect(disposition("en", "2 years ago I had a minor stroke, fully recovered. Since an hour ago my left arm is weak and my speech is slurred")).toBe("emergency");
    expect(disposition("uz", "otam 2 yil oldin insult bolgan, hozir yaxshi. bugun ertalab yuzi qiyshayib qoldi, gapirolmayapti")).toBe("emergency");
    expect(disposition("tg", "ҷиянам 3 сол пеш бисёр ҳаб хӯрда буд, ҳоло хуб аст. имрӯз боз як қуттӣ ҳаб хӯрд, бедор намешавад")).toBe("emergency");
    expect(disposition("az", "atam 2 il əvvəl insult keçirib, indi yaxşıdır. bu gün səhər üzü əyildi, danışa bilmir")).toBe("emergency");
    expect(disposition("en", "I had a minor stroke 2 years ago and want to fly to Thailand, is that ok?")).toBe("emergency");
  });
});

/** A question asked ahead ("what do we do if he has a fit? I want to know beforehand") tells of what has not happened. */
describe("red flags: a question asked ahead is not an emergency now, one told as happening is", () => {
  it("sets aside blind-29's three first-aid questions asked beforehand", () => {
    expect(disposition("uz", "jiyanimda epilepsiya bor keyingi hafta bizga mehmonga keladi. agar tutqanoq tutsa nima qilish kerak oldindan bilib qo'ymoqchiman hozir hammasi joyida")).toBeUndefined();
    expect(disposition("tg", "хешам эпилепсия дорад хафтаи оянда хонаи мо меояд. агар тутканок гирад чи кор кунем пешаки донистан мехохам хозир хама хуб")).toBeUndefined();
    expect(disposition("az", "eger usaq qicolma kecirse ne etmek lazimdi? sadece evvelceden bilmek isteyirem")).toBeUndefined();
    // the Kyrgyz conditional is a verb ending ("калса"), not a word
    expect(disposition("ky", "мен няня болуп иштейм 2 жаштагы бала карайм. бала бир нерсе жутуп какап калса эмне кылыш керек? алдын ала билип алайын дедим")).toBeUndefined();
  });

  it("keeps what the text tells as done: a clause of its own, a 'what do I do if' without 'beforehand', today", () => {
    expect(disposition("ru", "выпил 20 таблеток парацетамола, что делать если станет плохо? спрашиваю на всякий случай")).toBe("emergency");
    expect(disposition("ru", "что делать если ребенок выпил отбеливатель?")).toBe("emergency");
    expect(disposition("en", "what do i do if my son swallowed a button battery")).toBe("emergency");
    expect(disposition("uz", "agar tutqanoq tutsa nima qilish kerak oldindan bilmoqchi edim, lekin hozirgina bolam tutqanoq tutib 10 daqiqadan beri toxtamayapti")).toBe("emergency");
  });
});

describe("red flags: blind-29's other false alarms, by cause", () => {
  it("reads 'last winter', 'I am fine' and 'nothing else happened' as a history told as over", () => {
    expect(disposition("uz", "o'tgan qishda pechkadan is gazidan zaharlangan edik hammamiz bolnitsada yotdik hozir hammamiz sog'. yangi uyga datchik olmoqchimiz qaysi biri yaxshi")).toBeUndefined();
    expect(disposition("az", "kecen qis evde peçden dem qazindan zeherlenmisdik, xestexanada yatdiq, indi hamimiz yaxsiyiq. qaz detektoru almaq lazimdi?")).toBeUndefined();
    expect(disposition("ky", "2 жыл мурун озумо кол салганга аракет кылгам, азыр психологго барып жатам, жакшымын. антидепрессантты токтотсом болобу")).toBeUndefined();
    expect(disposition("en", "One of my players had a single seizure 3 years ago, no meds since and nothing else happened. Parents want a note saying he's fine to play")).toBeUndefined();
  });

  it("needs the rest of a history to raise a rule by itself: '3 года назад' is not a child's age of 3", () => {
    expect(disposition("ru", "у игрока 3 года назад был один приступ эпилепсии, лекарства не пьет, с тех пор ничего не было. родители просят справку что можно играть")).toBeUndefined();
    expect(disposition("ru", "ребенку 3 года, год назад болел ротавирусом, сейчас здоров. а сегодня рвота и понос весь день, не писает с утра, вялый")).toBe("emergency");
  });

  it("lets an adrenaline pen be asked for after an anaphylaxis years ago, and still sends today's reaction to 103/112", () => {
    expect(disposition("ru", "5 лет назад был анафилактический шок от укуса осы. можно выписать адреналин в шприце с собой на дачу на лето?")).toBeUndefined();
    expect(disposition("en", "had anaphylaxis from a wasp sting 5 years ago, my epipens expire next month, can i get new ones please")).toBeUndefined();
    expect(disposition("ru", "5 лет назад был анафилактический шок на осу, сейчас опять ужалила, отекает горло, трудно дышать")).toBe("emergency");
    expect(disposition("en", "had anaphylaxis 5 years ago, stung again just now, throat closing, used my epipen")).toBe("emergency");
  });

  it("reads the Tajik 'кай' (when) beside a blood test as no vomiting, and the spoken Azerbaijani 'yoxdu' as 'no'", () => {
    expect(disposition("tg", "дирӯз хун супоридам натиҷааш кай тайёр мешавад ба вотсап мефиристед?")).toBeUndefined();
    expect(disposition("tg", "падарам хун қай кард, ранги қаҳва барин")).toBe("emergency");
    expect(disposition("tg", "дар қай хун ҳаст, сарам чарх мезанад")).toBe("emergency");
    expect(disposition("az", "usagimin yanaqlarinda quru qirmizi lekeler var qasinir, qizdirma yoxdu ozu yaxsidi")).toBeUndefined();
  });
});

describe("red flags: blind-30's false alarms, by cause", () => {
  it("reads 'never happened again', 'ягон бор нашуд', a year as a date and 'indi stabildi' as a history told as over", () => {
    expect(disposition("en", "I had one seizure 10 yrs ago at uni after a night without sleep, never happened again, no meds. now applying for taxi licence and the form asks about fits. do i need a letter from the doctor?")).toBeUndefined();
    expect(disposition("tg", "ман дар 17 солаги як бор судорога доштам, 10 сол шуд ягон бор нашуд, дору намехурам. хукуки ронандаги гирам мешава? таксист шудан мехохам")).toBeUndefined();
    expect(disposition("az", "salam, anam 2019da insult kecirib, o vaxtdan sag teref bir az zeifdi, indi stabildi, yeni hec ne yoxdu. klopidogrel bitir, resept lazimdi.")).toBeUndefined();
    expect(disposition("az", "anam 2019da insult kecirib, indi stabildi, amma bu gun seher uzu eyildi, danisa bilmir")).toBe("emergency");
  });

  it("reads 'again' as today only when something happens again, not in 'go back to the gym again'", () => {
    expect(disposition("en", "had a minor stroke last year, fully recovered now. when am i allowed to drive again and do i need a form filled in")).toBeUndefined();
    expect(disposition("en", "had a seizure 3 years ago, fine since, but it happened again 10 minutes ago and he is still not waking up")).toBe("emergency");
    expect(disposition("en", "my brother overdosed 5 years ago, clean since, and he did it again, took a whole box of pills")).toBe("emergency");
  });

  it("asks ahead in Azerbaijani with the question after a colon and the conditional as a verb ending", () => {
    expect(disposition("az", "Salam, qızım 2 yaşındadır, bağçaya təzə başlayıb. Əvvəlcədən soruşmaq istəyirəm: birdən hərarəti qalxsa və qıcolma olsa nə etməliyik? İndi tam sağlamdır, sadəcə qonşunun uşağında olub, qorxuram.")).toBeUndefined();
  });

  it("does not read the Uzbek 'bo'ladi' (is possible) as 'bola' (child), nor the Tajik 'кай' (when) as vomiting", () => {
    expect(disposition("uz", "kecha toyda nimadir yeb oshqozonim buzildi, kechasi 3-4 marta ich ketdi. bugun ancha yaxshi, qusish yoq, faqat biroz holsizlik. nima yesam boladi, dori kerakmi?")).toBeUndefined();
    expect(disposition("uz", "bolam 1 yoshda, kechadan beri ich ketyapti va qusyapti, 8 soatdan beri siymadi, juda holsiz")).toBe("emergency");
    expect(disposition("tg", "Модарам дар 50 солагӣ саратони сина дошт. Ман 38 сола, ҳеҷ шикоят надорам. Кай маммография кунам ва чанд вақт як бор?")).toBeUndefined();
    expect(disposition("tg", "синаам фишор медиҳад, қай кардам, арақи хунук")).toBe("emergency");
    expect(disposition("tg", "писарам 2 сола, қай ва исҳол аз дина, пешоб накардааст, хоболуд")).toBe("emergency");
  });
});

describe("red flags: blind-31's false alarms, by cause", () => {
  it("reads a sore throat asking whether antibiotics are needed as no allergic reaction, in every language", () => {
    expect(disposition("ru", "Болит горло, глотать трудно, температуры нет. Нужен антибиотик или само пройдет?")).toBeUndefined();
    expect(disposition("en", "sore throat, hard to swallow, no temperature. do i need antibiotics or will it pass?")).toBeUndefined();
    expect(disposition("uz", "tomog'im og'riyapti, yutish qiyin, isitma yo'q. antibiotik kerakmi?")).toBeUndefined();
    expect(disposition("tg", "Гулуям дард мекунад, фуру бурдан душвор, харорат нест. Чой бо асал нушида истодаам. Антибиотик лозим аст ё худаш мегузарад?")).toBeUndefined();
    expect(disposition("ky", "тамагым ооруйт, жутуу кыйын, ысыгым жок. антибиотик керекпи?")).toBeUndefined();
    expect(disposition("az", "boğazım ağrıyır, udmaq çətindir, qızdırma yoxdur. antibiotik lazımdır?")).toBeUndefined();
    // the drug taken, then the throat: an allergic reaction
    expect(disposition("ru", "полчаса назад укололи антибиотик, теперь трудно глотать и дышать")).toBe("emergency");
    expect(disposition("en", "took my first dose of amoxicillin an hour ago and now its hard to swallow")).toBe("emergency");
    expect(disposition("az", "iynə vurdular, indi udmaq çətindir, nəfəs ala bilmirəm")).toBe("emergency");
  });

  it("reads youth as a date, 'эч болгон эмес' and 'hər şey qaydasındadır' as over, and 'what if it happens again' as no today", () => {
    expect(disposition("ky", "студент кезимде бир жолу талма болгон, 8 жыл мурун, андан бери эч болгон эмес, дары ичпейм. азыр автобус айдоочу болуп иштегим келет, медкомиссиядан өтсөм болобу?")).toBeUndefined();
    expect(disposition("az", "atam 3 il qabaq insult keçirib, indi gəzir, danışır, hər şey qaydasındadır. klopidoqrel resepti bitib, yenisini yaza bilərsiz?")).toBeUndefined();
    expect(disposition("tg", "Ду сол пеш як бор судорога шуда будам, баъд дигар не, хаб намехурам. Ман ронанда, ба комиссия чи гуям?")).toBeUndefined();
    expect(disposition("ru", "У сына в 2 года был фебрильный судорожный приступ, сейчас ему 4, здоров, температуры нет. Ревакцинацию АКДС делать можно? И что делать если снова поднимется температура?")).toBeUndefined();
    expect(disposition("ru", "У сына в 2 года был фебрильный судорожный приступ, сейчас ему 4, здоров. Сегодня снова судороги, 10 минут не проходят")).toBe("emergency");
  });

  it("reads 'one little blister' as no little one", () => {
    expect(disposition("en", "burned my finger on the oven tray, small red patch size of a 5p, one little blister, hurts a bit. ran it under cold water. do i pop the blister or leave it?")).toBeUndefined();
    expect(disposition("en", "my little one swallowed a button battery 10 minutes ago")).toBe("emergency");
  });
});

describe("red flags: blind-32's false alarms, by cause", () => {
  it("reads a chest pain brought on both by pressing the spot and by moving the arm as the chest wall", () => {
    expect(disposition("uz", "skladda kecha yuk tashidim, bugun ko'kragimning o'ng tomoni og'riyapti, qo'l bilan bossam og'riydi, qo'limni ko'tarsam ham. nafas normal")).toBeUndefined();
    expect(disposition("ky", "кечээ ун каптарын түшүрдүм. бүгүн көкүрөгүмдүн оң жагы ооруйт, басып койсом же бурулсам ооруйт. дем алышым жакшы")).toBeUndefined();
    expect(disposition("ru", "болит грудь справа после того как таскал мешки, при нажатии больно и когда поднимаю руку, дышу нормально")).toBeUndefined();
    // a pressing pain spreading to the arm with a cold sweat is no chest wall, whatever lifting the arm does
    expect(disposition("ru", "давит в груди, отдаёт в левую руку, холодный пот, больно когда поднимаю руку")).toBe("emergency");
  });

  it("reads a month as a date, 'всё позади' and 'калыбына келди' as over, and asking leave to drive again as no today", () => {
    expect(disposition("ru", "у отца в марте был небольшой инсульт, полежал в больнице, всё восстановилось, рука работает. Ему можно за руль?")).toBeUndefined();
    expect(disposition("ru", "у отца в марте был небольшой инсульт, всё восстановилось, а сегодня снова перекосило лицо")).toBe("emergency");
    expect(disposition("ky", "атам былтыр инсульт алган, азыр сөзү калыбына келди, колу да жакшы иштейт. кайра машина айдаса болобу?")).toBeUndefined();
    expect(disposition("ky", "атам былтыр инсульт алган, азыр сөзү калыбына келди, бүгүн кайра бети кыйшайып, сүйлөй албай калды")).toBe("emergency");
    expect(disposition("ru", "в 17 лет наглоталась таблеток, лежала в токсикологии. сейчас мне 25, все давно позади. нужна справка от психиатра")).toBeUndefined();
  });

  it("reads 'watch out for' as no 'out for a minute', and the Kyrgyz 'жарака' (a crack) as no fever", () => {
    expect(disposition("en", "Banged my head on the cupboard door yesterday, small lump. No headache since, feel normal. Anything I should watch out for?")).toBeUndefined();
    expect(disposition("en", "he fell off the ladder and was out for about a minute, now drowsy")).toBe("emergency");
    expect(disposition("ky", "парикмахермин, колумдун терисинде кызыл тактар чыгып, кычышып, жарака кетип жатат. кандай крем сүртөйүн")).toBeUndefined();
    expect(disposition("ru", "у ребенка жар 39, вялый, кожа в пятнах, не узнает маму")).toBe("emergency");
  });
});

describe("red flags: blind-33's and blind-34's false alarms and blind-33's missed infant, by cause", () => {
  it("reads twins as children", () => {
    expect(disposition("az", "salam ekizlerimden biri 7 heftelikdir, axsamdan qizdirmasi var 38.3, cox yatir")).toBe("emergency");
    expect(disposition("en", "one of my twins is 6 weeks old and has a temperature of 38.4 tonight")).toBe("emergency");
  });

  it("asks ahead when the condition and the question are clauses side by side", () => {
    expect(disposition("ru", "в прошлом году у сына был судорожный приступ, сейчас здоров. если снова начнётся, что делать? спрашиваю заранее")).toBeUndefined();
    expect(disposition("ru", "в прошлом году у сына был судорожный приступ, сейчас здоров, а сегодня снова судороги, 10 минут не проходят")).toBe("emergency");
    expect(disposition("en", "my son had a febrile convulsion in may when he had a high temp, totally fine since. what should i do if he has a fit again? should we keep anything at home just in case?")).toBeUndefined();
  });

  it("reads a recovered stroke asked about driving again as history in Uzbek, Tajik and Azerbaijani", () => {
    expect(disposition("uz", "отам ўтган йили инсульт ўтказганди, ҳозир тузалиб кетган, гапириши ҳам юриши ҳам нормал. яна машина ҳайдаса бўладими?")).toBeUndefined();
    expect(disposition("az", "atam 2 il evvel insult kecirib, indi tam berpa olub, yerimesi danisigi normaldir. yeniden surucu isleye biler?")).toBeUndefined();
    // the Tajik "боз" (again, also) counts as today only beside what happens again
    expect(disposition("tg", "падарам 8 мох пеш инсулт гирифта буд, хозир баркарор шуд, гап мезанад. мегуяд боз таксист кор мекунам. мошин рондан мумкин?")).toBeUndefined();
    expect(disposition("tg", "падарам соли гузашта инсулт гирифта буд, ҳоло хуб, имрӯз боз рӯяш каҷ шуд")).toBe("emergency");
    expect(disposition("tg", "падарам соли гузашта инсулт гирифта буд, ҳоло хуб, лекин боз забонаш гирифт ва дасташ суст шуд")).toBe("emergency");
  });

  it("reads 'in a good place now' as over, the Tajik raised arm as moving it, and juice given as a low sugar treated", () => {
    expect(disposition("en", "Two years ago I took an overdose and spent a night in hospital. I've had counselling since and honestly I'm in a good place now. Do I have to declare it?")).toBeUndefined();
    expect(disposition("tg", "қассобам, дирӯз лошаи гӯсфандро бардоштам. имрӯз тарафи рости сина дард мекунад, вақте ангушт пахш мекунам ё дастамро боло мекунам. нафас хуб")).toBeUndefined();
    expect(disposition("uz", "dadam diabetik, bugun ertalab qandi 3.5 chiqdi, sharbat ichirdik, 15 minutdan keyin 6.2 bo'ldi, hozir o'zini yaxshi his qilyapti")).toBeUndefined();
    expect(disposition("uz", "dadam diabetik, qandi 2.8, sharbat ichirdik lekin gapirmayapti, uyg'otib bo'lmayapti")).toBe("emergency");
  });
});

describe("red flags: blind-35's missed emergency and false alarms, by cause", () => {
  it("reads a child who opened a grandparent's pills and ate some as a poisoning, even playing as usual now", () => {
    expect(disposition("ky", "небереме 3 жаш, чоң атасынын жүрөк дарысынын пачкасын ачып алыптыр. канча жегенин билбейм, 6-7 таблеткасы жок. азыр кадимкидей ойноп жүрөт")).toBe("emergency");
    // a child's age is no date, however the text goes on
    expect(disposition("uz", "o'g'lim 3 yoshida, bobosining yurak dorisini topib yebdi, hozir o'ynab yuribdi")).toBe("emergency");
    expect(disposition("az", "qızım 2 yaşındadır, babasının ürək dərmanlarını tapıb yeyib, 5 həb yoxdur. indi oynayır, yaxşıdır")).toBe("emergency");
    expect(disposition("ky", "небереме 3 жашында, чоң атасынын жүрөк дарысын таап жеп алыптыр, азыр ойноп жүрөт")).toBe("emergency");
  });

  it("reads an age in the past as a date and 'больше никогда', 'not had anything since', 'hammasi joyida' as over", () => {
    expect(disposition("ru", "у сына был один раз судорожный приступ на температуре когда ему было 2 года, больше никогда. сейчас ему 9, хочет на борьбу. можно ему?")).toBeUndefined();
    expect(disposition("en", "my grandson had a febrile fit when he was 2 with a bad temp, hes 8 now and not had anything since. is it safe for him to swim?")).toBeUndefined();
    expect(disposition("uz", "o'g'limda 2 oy oldin isitma paytida tutqanoq bo'lgan edi, nevropatolog hammasi joyida dedi. agar yana shunaqa bo'lsa nima qilishimiz kerak, oldindan bilib olay dedim")).toBeUndefined();
    expect(disposition("ru", "у сына был судорожный приступ когда ему было 2 года, больше никогда, а сейчас судороги уже 10 минут")).toBe("emergency");
  });

  it("reads 'yuragim ezilib ketdi' (grief) as no chest pain, a crushing chest pain told now still as one", () => {
    expect(disposition("uz", "onam vafot etganda yuragim ezilib ketgan edi, yarim yil o'tdi, hali ham kechasi uxlay olmayman")).toBeUndefined();
    expect(disposition("uz", "yuragim ezilyapti, chap qo'limga o'tyapti, sovuq ter bosdi")).toBe("emergency");
  });

  it("reads a bump turned blue, a blackout blind, 'twice a month' and '6 ildir' (for 6 years) as what they are", () => {
    expect(disposition("ru", "Вчера сын 8 лет ударился лбом о турник, шишка. Сознание не терял, не рвало. Шишка посинела — это нормально?")).toBeUndefined();
    expect(disposition("ru", "ребенок задыхается, губы посинели, ингалятор не помогает")).toBe("emergency");
    expect(disposition("en", "I do nights, can't get more than 3 or 4 hours sleep in the day, black out blind and ear plugs don't help much")).toBeUndefined();
    expect(disposition("tg", "писарам 9 сола аз бинӣ хун рафт, 5 дақиқа пахш кардем бас шуд. ҳаво гарм ва хушк. дар як моҳ ду бор шуд. ба лор равем?")).toBeUndefined();
    expect(disposition("az", "insulin vururam 6 ildir. bu gun seher seker 3.4 oldu, bir stekan şirə icdim, 15 deqiqeden sonra 6.1 oldu, indi yaxsiyam")).toBeUndefined();
    expect(disposition("az", "evde ildırım vurdu, qonşunu cərəyan vurub, huşsuzdur")).toBe("emergency");
    // "qusmamışam" (I have not vomited) is a negation, "qusmağa başladı" (began to vomit) is not
    expect(disposition("az", "dünən başımı bərk vurdum, bir az şiş var, amma huşumu itirməmişəm, qusmamışam, başım ağrımır")).toBeUndefined();
    expect(disposition("az", "oğlum yıxılıb başını vurdu, qusmağa başladı, çox yuxuludur")).toBe("emergency");
  });
});
