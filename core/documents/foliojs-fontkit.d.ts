declare module "@foliojs-fork/fontkit" {
  const fontkit: unknown;
  export default fontkit;
}
