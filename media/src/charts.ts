// Bar charts with Chart.js (bundled into the webview script; no CDN, the CSP allows nothing external).
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend } from 'chart.js';
import { themeColor } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple',
  '--vscode-charts-red', '--vscode-charts-yellow'];

export function barChart(canvas: HTMLCanvasElement, labels: string[], series: { label: string; data: number[] }[],
  unit: string): Chart {
  const fg = themeColor('--vscode-foreground', '#888');
  const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.label, data: s.data,
        backgroundColor: themeColor(PALETTE[i % PALETTE.length], '#3794ff') })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: series.length > 1, labels: { color: fg } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${Number(c.raw).toPrecision(3)} ${unit}` } } },
      scales: { x: { ticks: { color: fg }, grid: { color: grid }, title: { display: true, text: unit, color: fg } },
        y: { ticks: { color: fg }, grid: { display: false } } },
    },
  });
}
