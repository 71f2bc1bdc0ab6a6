/**
 * A minimal DICOM Part 10 file: the 128-byte preamble, "DICM", and a File Meta group with the transfer syntax
 * (Explicit VR Little Endian). Enough for the byte check; no viewer is needed here.
 */
export function dicomFile(): Buffer {
  const syntax = Buffer.from("1.2.840.10008.1.2.1\0");
  const element = Buffer.alloc(8);
  element.writeUInt16LE(0x0002, 0);
  element.writeUInt16LE(0x0010, 2);
  element.write("UI", 4, "latin1");
  element.writeUInt16LE(syntax.length, 6);
  return Buffer.concat([Buffer.alloc(128), Buffer.from("DICM"), element, syntax]);
}
