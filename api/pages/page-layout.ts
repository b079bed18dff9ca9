/** The frame every HTML page of the platform shares, as the text of a Handlebars partial: the
 * page's title, its styles in the one <style> (carrying the response's CSP nonce) and its body as
 * the partial block. Each page module registers it in its own Handlebars instance. */
export function pageLayoutPartial(styles: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style nonce="{{nonce}}">
${styles}</style>
</head>
<body>
{{> @partial-block }}
</body>
</html>
`;
}
