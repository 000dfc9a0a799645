/** The app's Content-Security-Policy for every production response. */
export declare const CSP: string;
/** The policy for one HTML page: CSP plus the hashes of its inline <script>/<style> blocks. */
export declare function cspForHtml(html: string): string;
/** The dev server's policy (adds inline scripts/styles and the HMR websocket). */
export declare const DEV_CSP: string;
