import { aboutCommand } from "../../core/about/about-command";
import { accountCommand } from "../../core/account/account-command";
import { Dialogue } from "../../core/dialogue/dialogue";
import { labButtons } from "../../core/labs/lab-buttons";
import { deviceCommand } from "../../core/monitoring/device-command";
import { reminderButtons } from "../../core/reminders/reminder-buttons";
import type { careWiring } from "./care";
import type { Channels } from "./channels";
import type { Foundation } from "./foundation";
import type { intakeWiring } from "./intake";
import type { renewalsWiring } from "./renewals";
import type { rightsWiring } from "./rights";
import type { secondOpinionWiring } from "./second-opinion";
import type { videoWiring } from "./video";

/** The one dialogue of every channel: each capability's buttons and commands. */
export function dialogueWiring(
  { config, patients, consents }: Foundation,
  parts: {
    video: ReturnType<typeof videoWiring>;
    care: ReturnType<typeof careWiring>;
    channels: Channels;
    rights: ReturnType<typeof rightsWiring>;
    intake: ReturnType<typeof intakeWiring>;
    secondOpinion: ReturnType<typeof secondOpinionWiring>;
    renewals: ReturnType<typeof renewalsWiring>;
  },
): Dialogue {
  const { video, care, channels, rights, intake, secondOpinion, renewals } = parts;
  const rightsHandlers = rights.dataRights.handlers();
  return new Dialogue({
    patients,
    consents,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    intake: intake.intakeFlow,
    emergencies: intake.redFlags,
    contacts: intake.phone.contacts,
    textInterceptors: [intake.phone.texts],
    buttonHandlers: [
      video.videoFlow.buttons,
      labButtons(care.labs),
      reminderButtons(care.reminders.answers),
      renewals.renewalDialogue.buttons,
      intake.intakeFlow.buttons,
      intake.language.buttons,
      intake.timezone.buttons,
      intake.consentsCommand.buttons,
      rightsHandlers.buttons,
      secondOpinion.buttons,
    ],
    commandHandlers: [
      intake.language.command,
      intake.timezone.command,
      intake.consentsCommand.command,
      intake.phone.command,
      ...(intake.oidc ? [intake.oidc.command] : []),
      ...video.videoFlow.commands,
      accountCommand(care.accounts, config.ACCOUNT_LINK_TTL_SECONDS),
      aboutCommand(config.PUBLIC_URL),
      deviceCommand(care.ingestionTokens),
      renewals.renewalDialogue.command,
      channels.linking.command(config.LINK_CODE_TTL_SECONDS),
      ...rightsHandlers.commands,
    ],
    files: channels.attachments,
  });
}
