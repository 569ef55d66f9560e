/** MapLibre's own control labels (zoom buttons, scale, the canvas) in Vietnamese and English. */
import type { Locale } from '@cityops/contracts';

export const mapUiStrings: Record<Locale, Record<string, string>> = {
  vi: {
    'AttributionControl.ToggleAttribution': 'Hiện/ẩn nguồn dữ liệu',
    'AttributionControl.MapFeedback': 'Góp ý bản đồ',
    'FullscreenControl.Enter': 'Toàn màn hình',
    'FullscreenControl.Exit': 'Thoát toàn màn hình',
    'Map.Title': 'Bản đồ',
    'NavigationControl.ResetBearing': 'Kéo để xoay bản đồ, bấm để quay về hướng bắc',
    'NavigationControl.ZoomIn': 'Phóng to',
    'NavigationControl.ZoomOut': 'Thu nhỏ',
    'Popup.Close': 'Đóng',
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
  },
  en: {
    'AttributionControl.ToggleAttribution': 'Toggle attribution',
    'AttributionControl.MapFeedback': 'Map feedback',
    'FullscreenControl.Enter': 'Enter fullscreen',
    'FullscreenControl.Exit': 'Exit fullscreen',
    'Map.Title': 'Map',
    'NavigationControl.ResetBearing': 'Drag to rotate map, click to reset north',
    'NavigationControl.ZoomIn': 'Zoom in',
    'NavigationControl.ZoomOut': 'Zoom out',
    'Popup.Close': 'Close',
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
  },
};
