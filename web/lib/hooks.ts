// Small browser hooks: the viewport size (the wall scales its charts with it) and the local date.
import { useEffect, useState } from 'react';
import { todayLocal } from '../../common/period.ts';

const readViewport = () => ({
  width: typeof window === 'undefined' ? 1920 : window.innerWidth,
  height: typeof window === 'undefined' ? 1080 : window.innerHeight,
});

export function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState(readViewport);
  useEffect(() => {
    const on = () => setSize(readViewport());
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return size;
}

/** Today's date on the Vietnam clock; changes at midnight, so a wall left running rolls "year to date" over. */
export function useToday(): string {
  const [today, setToday] = useState(() => todayLocal());
  useEffect(() => {
    const h = setInterval(() => setToday(todayLocal()), 60_000);
    return () => clearInterval(h);
  }, []);
  return today;
}

/** The current time, refreshed every `ms`. */
export function useNow(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const h = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(h);
  }, [ms]);
  return now;
}
