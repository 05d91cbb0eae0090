import { useEffect, useState } from 'react';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';

/** A value that follows `value` once it has stood still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** A labelled select with an "All" choice (the empty value) before the options. */
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: ReadonlyArray<[string, string]>;
  onChange: (v: string) => void;
}) {
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 150 }}>
      <InputLabel id={`${props.id}-label`}>{props.label}</InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        label={props.label}
        value={props.value}
        onChange={e => props.onChange(String(e.target.value))}
      >
        <MenuItem value="">All</MenuItem>
        {props.options.map(([v, l]) => (
          <MenuItem key={v} value={v}>
            {l}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
