/** How a reply's text shows in the web chat: its web addresses as links, the emergency instruction as an alarm. */

/** Web addresses in a reply (the account, a call, the exam page) become links the patient can press. */
const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
export function withLinks(el: HTMLElement, text: string): void {
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    el.append(text.slice(at, match.index));
    const link = document.createElement("a");
    link.href = match[0];
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = match[0];
    el.append(link);
    at = match.index! + match[0].length;
  }
  el.append(text.slice(at));
}

/** Emergency numbers: 103 is the ambulance from Russian phones, 112 works from any phone and any SIM, foreign ones too. */
const EMERGENCY_NUMBERS = ["103", "112"];

/** The emergency instruction as an alarm: the numbers in the text are tappable, and two big call links follow. */
export function alarm(el: HTMLElement, text: string): void {
  el.classList.add("alarm");
  el.setAttribute("role", "alert");
  el.textContent = "";
  for (const part of text.split(/\b(103|112)\b/)) {
    if (!EMERGENCY_NUMBERS.includes(part)) {
      el.appendChild(document.createTextNode(part));
      continue;
    }
    const link = document.createElement("a");
    link.href = `tel:${part}`;
    link.textContent = part;
    el.appendChild(link);
  }
  const calls = document.createElement("div");
  calls.className = "calls";
  for (const number of EMERGENCY_NUMBERS) {
    const link = document.createElement("a");
    link.href = `tel:${number}`;
    link.textContent = `📞 ${number}`;
    calls.appendChild(link);
  }
  el.appendChild(calls);
}
