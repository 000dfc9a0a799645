import { findingsOf } from '../results';
import type { AnyResponse } from '../store';

interface Props {
  response: AnyResponse | undefined;
  /** The image's natural size: the response's boxes are in these pixels. */
  width: number;
  height: number;
  /** Label height as a fraction of the image's long side. */
  labelSize?: number;
}

/**
 * The boxes and readings over an image. An SVG whose viewBox is the image's pixel grid, laid over the <img>'s
 * box: `xMidYMid meet` places the grid exactly as `object-fit: contain` places the picture, so the boxes
 * follow any CSS size without measuring. Text is SVG <text>: never markup.
 */
export function Overlay({ response, width, height, labelSize = 1 / 30 }: Props) {
  if (!response || !width || !height) return null;
  const found = findingsOf(response);
  const unit = Math.max(width, height);
  const font = Math.max(unit * labelSize, 8);
  // Strokes are drawn in screen pixels (vector-effect in CSS); this only spaces the label from the box.
  const stroke = unit / 300;
  return (
    <svg
      className="overlay"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="xMidYMid meet"
      aria-hidden="true"
      data-testid="overlay"
    >
      {found.map((f, i) =>
        f.vehicleBox ? (
          <rect
            key={`v${i}`}
            className="overlay-vehicle"
            x={f.vehicleBox.xmin}
            y={f.vehicleBox.ymin}
            width={f.vehicleBox.xmax - f.vehicleBox.xmin}
            height={f.vehicleBox.ymax - f.vehicleBox.ymin}
          />
        ) : null,
      )}
      {found.map((f, i) => {
        if (!f.box) return null;
        const b = f.box;
        const text = f.plate.toUpperCase();
        const labelW = Math.max(text.length, 1) * font * 0.62 + font * 0.6;
        const labelH = font * 1.35;
        // Above the box, or below it when there is no room; kept inside the image.
        const above = b.ymin - labelH - stroke >= 0;
        const ly = above ? b.ymin - labelH - stroke : Math.min(b.ymax + stroke, height - labelH);
        const lx = Math.min(Math.max(b.xmin, 0), Math.max(width - labelW, 0));
        return (
          <g key={`p${i}`} data-testid="overlay-plate" data-plate={f.plate}>
            <rect
              className="overlay-box"
              x={b.xmin}
              y={b.ymin}
              width={Math.max(b.xmax - b.xmin, 1)}
              height={Math.max(b.ymax - b.ymin, 1)}
            />
            {text ? (
              <>
                <rect className="overlay-label-bg" x={lx} y={ly} width={labelW} height={labelH} rx={font * 0.2} />
                <text
                  className="overlay-label"
                  x={lx + font * 0.3}
                  y={ly + labelH / 2}
                  fontSize={font}
                  dominantBaseline="central"
                >
                  {text}
                </text>
              </>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
