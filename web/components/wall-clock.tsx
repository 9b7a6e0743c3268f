// The wall clock in Vietnamese: "Thứ Năm, 26/11/2026 14:05" (Asia/Ho_Chi_Minh), its own timer.
import { useNow } from '../lib/hooks.ts';
import { useI18n } from '../lib/i18n.ts';

export function WallClock() {
  const { fmt } = useI18n();
  const now = useNow(1_000);
  return (
    <time className="wall-clock" data-testid="clock" dateTime={now.toISOString()}>
      {fmt.clock(now)}
    </time>
  );
}
