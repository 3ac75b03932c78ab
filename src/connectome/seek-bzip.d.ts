// seek-bzip ships no types; only the synchronous buffer decoder is used.
declare module 'seek-bzip' {
  const Bunzip: { decode(input: Uint8Array): Buffer };
  export default Bunzip;
}
