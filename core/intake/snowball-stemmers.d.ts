// snowball-stemmers ships no types: the two calls this project makes.
declare module "snowball-stemmers" {
  const snowball: { newStemmer(language: string): { stem(word: string): string }; algorithms(): string[] };
  export default snowball;
}
