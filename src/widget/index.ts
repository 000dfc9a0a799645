// widget.js: one <script type="module" src=".../widget.js"> defines <plate-reader> on any page.
import { PlateReaderElement } from './plate-reader';

export { PlateReaderElement };
export type { WidgetResponse } from './plate-reader';

if (!customElements.get('plate-reader')) customElements.define('plate-reader', PlateReaderElement);

declare global {
  interface HTMLElementTagNameMap {
    'plate-reader': PlateReaderElement;
  }
}
