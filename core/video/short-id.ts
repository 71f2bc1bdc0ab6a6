/** Button data is at most 64 bytes: uuids travel as 22 base64url characters. */
export const shortId = (uuid: string) => Buffer.from(uuid.replace(/-/g, ""), "hex").toString("base64url");

export function longId(short: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{22}$/.test(short)) return undefined;
  const hex = Buffer.from(short, "base64url").toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
