import { memo, useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import OutlinedInput from '@material-ui/core/OutlinedInput';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';

/** A value that follows `value` once it has stood still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * An outlined text field that keeps what is typed to itself and gives `onChange` the trimmed text
 * once it has stood still for `ms`: typing re-renders the field alone, not the list below it.
 */
export const DebouncedTextField = memo(function DebouncedTextFieldView(props: {
  id: string;
  label: string;
  ariaLabel: string;
  placeholder?: string;
  ms: number;
  onChange: (value: string) => void;
}) {
  const { ms, onChange } = props;
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <TextField
      id={props.id}
      label={props.label}
      placeholder={props.placeholder}
      variant="outlined"
      size="small"
      value={text}
      onChange={e => {
        const value = e.target.value;
        setText(value);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => onChange(value.trim()), ms);
      }}
      inputProps={{ 'aria-label': props.ariaLabel }}
    />
  );
});

/**
 * A labelled select with an "All" choice (the empty value) before the options; the label always sits
 * above the field, so it is never cut off by the value. Rendered again only when its props change.
 */
export const FilterSelect = memo(function FilterSelectView(props: {
  id: string;
  label: string;
  value: string;
  options: ReadonlyArray<[string, string]>;
  onChange: (v: string) => void;
}) {
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 180 }}>
      <InputLabel id={`${props.id}-label`} shrink>
        {props.label}
      </InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        input={<OutlinedInput notched label={props.label} />}
        displayEmpty
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
});

/**
 * Previous and next page of a server-paged list: `cursors` is the stack of cursors of the pages
 * seen so far (the first page's is undefined), `nextCursor` the server's cursor of the next page.
 */
export function CursorPager(props: {
  first: number;
  shown: number;
  totalCount: number;
  cursors: Array<string | undefined>;
  nextCursor?: string;
  onChange: (
    update: (cursors: Array<string | undefined>) => Array<string | undefined>,
  ) => void;
}) {
  const { first, shown, totalCount, cursors, nextCursor, onChange } = props;
  return (
    <Box
      display="flex"
      alignItems="center"
      justifyContent="flex-end"
      p={1}
      style={{ gap: 8 }}
    >
      <Typography variant="body2">
        {first + 1}–{first + shown} of {totalCount}
      </Typography>
      <Button
        size="small"
        disabled={cursors.length <= 1}
        onClick={() => onChange(c => c.slice(0, -1))}
      >
        Previous page
      </Button>
      <Button
        size="small"
        disabled={!nextCursor}
        onClick={() => onChange(c => [...c, nextCursor])}
      >
        Next page
      </Button>
    </Box>
  );
}
