import type { Api } from "grammy";
import type { Message } from "grammy/types";
import { FileTooLargeError, type IncomingFile } from "../../core/channels/channel";
import { downloadLimited } from "../../core/channels/download-limited";

/**
 * A photo (its largest size) or a document of a message, downloaded only when asked: getFile reports the
 * size before any byte moves, so an oversized file is refused without fetching it.
 */
export function telegramFile(message: Message, api: Api, fileUrl: (path: string) => string): IncomingFile | undefined {
  const photo = message.photo?.at(-1);
  const document = message.document;
  const source = photo
    ? { kind: "photo" as const, fileId: photo.file_id, size: photo.file_size, fileName: undefined }
    : document
      ? { kind: "document" as const, fileId: document.file_id, size: document.file_size, fileName: document.file_name }
      : undefined;
  if (!source) return undefined;
  return {
    kind: source.kind,
    fileName: source.fileName,
    declaredSize: source.size,
    async download(maxBytes) {
      const file = await api.getFile(source.fileId);
      if ((file.file_size ?? 0) > maxBytes) throw new FileTooLargeError(maxBytes);
      if (!file.file_path) throw new Error("telegram getFile returned no file_path");
      return downloadLimited(fileUrl(file.file_path), maxBytes);
    },
  };
}
