/**
 * Builds the absolute links emails carry: from PUBLIC_URL, or else from the port the server
 * listens on (known only once it listens, since PORT=0 picks one).
 */
export class PublicLinks {
  private base: string | undefined;

  constructor(publicUrl: string | undefined) {
    this.base = publicUrl;
  }

  listeningOn(port: number): void {
    this.base ??= `http://localhost:${port}`;
  }

  url(path: string): string {
    return `${this.base ?? "http://localhost:3000"}${path}`;
  }
}
